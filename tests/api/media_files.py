"""Small media files made on the spot for the media tests: images with EXIF and GPS, an
animated GIF, a short video, and broken or hostile files."""

from __future__ import annotations

import io
import math
import struct
import tempfile
import zlib
from pathlib import Path

import av
from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(width: int = 40, height: int = 20, orientation: int = 6) -> bytes:
    """A JPEG whose EXIF holds a camera, an orientation and a GPS position."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    ImageDraw.Draw(image).rectangle([0, 0, width // 4, height // 4], fill=(0, 0, 255))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Camera maker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 24.0)
    gps[3] = "E"
    gps[4] = (2.0, 21.0, 3.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png(width: int = 64, height: int = 48, color: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG that declares a gigantic picture."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def animated_gif(frames: int = 6, width: int = 48, height: int = 32) -> bytes:
    images = []
    for n in range(frames):
        image = Image.new("RGB", (width, height), (n * 40 % 255, 90, 160))
        ImageDraw.Draw(image).rectangle([n * 5, 5, n * 5 + 8, 15], fill=(255, 255, 0))
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def video(seconds: float = 1.0, rate: int = 10, width: int = 96, height: int = 64) -> bytes:
    """A short MP4 (MPEG-4 video, AAC sound) with a title in its metadata."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        with av.open(str(path), "w", format="mp4") as out:
            out.metadata["title"] = "secret location"
            stream = out.add_stream("mpeg4", rate=rate)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            sound = out.add_stream("aac", rate=44100)
            sound.layout = "mono"
            for n in range(int(seconds * rate)):
                frame = av.VideoFrame.from_image(Image.new("RGB", (width, height), (n * 20, 0, 0)))
                frame.pts = n
                out.mux(stream.encode(frame))
            out.mux(stream.encode(None))
            samples, pts = 1024, 0
            while pts < seconds * 44100:
                chunk = av.AudioFrame(format="s16", layout="mono", samples=samples)
                chunk.planes[0].update(
                    b"".join(
                        struct.pack("<h", int(3000 * math.sin((pts + i) / 20)))
                        for i in range(samples)
                    )
                )
                chunk.sample_rate, chunk.pts = 44100, pts
                pts += samples
                out.mux(sound.encode(chunk))
            out.mux(sound.encode(None))
        return path.read_bytes()
