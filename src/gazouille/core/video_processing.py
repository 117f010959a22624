"""Video and animated GIF with PyAV: probing against Mastodon's limits, then re-encoding to
H.264 (and AAC) in MP4, which drops every piece of container metadata; the first frame
gives the preview and the blurhash. GIFs become silent MP4s served as ``gifv``."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from PIL import Image

from gazouille.core.media_processing import (
    VIDEO_FRAME_RATE_LIMIT,
    VIDEO_MATRIX_LIMIT,
    ProcessedMedia,
    Rendition,
    compute_blurhash,
    dimensions,
    invalid,
    small_preview,
)

MAX_DURATION_SECONDS = 3 * 3600


@dataclass
class VideoInfo:
    width: int
    height: int
    frame_rate: Fraction
    duration: float | None
    has_audio: bool


def _even(value: int) -> int:
    return max(2, value - value % 2)


def probe(path: Path) -> VideoInfo:
    """What the file holds, checked against the limits, its first frame decoded; MediaInvalid
    for anything else (not a video, corrupt, too large a picture, too fast a frame rate)."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise invalid("File could not be processed")
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            if width <= 0 or height <= 0:
                raise invalid("File could not be processed")
            if width * height > VIDEO_MATRIX_LIMIT:
                raise invalid("File dimensions are too large")
            rate = stream.average_rate or stream.guessed_rate or Fraction(25)
            if rate > VIDEO_FRAME_RATE_LIMIT:
                raise invalid("Frame rate is too high")
            duration = float(container.duration) / av.time_base if container.duration else None
            if duration is not None and duration > MAX_DURATION_SECONDS:
                raise invalid("File is too long")
            next(container.decode(stream))
            return VideoInfo(width, height, Fraction(rate), duration, bool(container.streams.audio))
    except StopIteration:
        raise invalid("File could not be processed") from None
    except av.FFmpegError:
        raise invalid("File could not be processed") from None


def _frame_rate_text(rate: Fraction) -> str:
    rate = rate.limit_denominator(1001)
    return f"{rate.numerator}/{rate.denominator}"


def transcode(path: Path, workdir: Path, *, gifv: bool) -> ProcessedMedia:
    """The file as H.264/AAC MP4 plus a preview from its first frame."""
    info = probe(path)
    out_path = workdir / "original.mp4"
    width, height = _even(info.width), _even(info.height)
    first: Image.Image | None = None
    try:
        with (
            av.open(str(path)) as source,
            av.open(str(out_path), "w", format="mp4", options={"movflags": "+faststart"}) as target,
        ):
            video_in = source.streams.video[0]
            video_out = target.add_stream("libx264", rate=info.frame_rate.limit_denominator(1001))
            video_out.width, video_out.height, video_out.pix_fmt = width, height, "yuv420p"
            video_out.options = {"crf": "23", "preset": "veryfast"}
            audio_in = None if gifv or not source.streams.audio else source.streams.audio[0]
            audio_out = resampler = None
            if audio_in is not None:
                audio_out = target.add_stream("aac", rate=48000)
                audio_out.layout = "stereo"
                resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
            streams = [video_in] if audio_in is None else [video_in, audio_in]
            for frame in source.decode(*streams):
                if isinstance(frame, av.VideoFrame):
                    if first is None:
                        first = frame.to_image()
                    converted = frame.reformat(width=width, height=height, format="yuv420p")
                    target.mux(video_out.encode(converted))
                elif audio_out is not None and resampler is not None:
                    for chunk in resampler.resample(frame):
                        target.mux(audio_out.encode(chunk))
            target.mux(video_out.encode(None))
            if audio_out is not None:
                target.mux(audio_out.encode(None))
    except av.FFmpegError:
        raise invalid("File could not be processed") from None
    if first is None:
        raise invalid("File could not be processed")
    with av.open(str(out_path)) as result:
        duration = float(result.duration) / av.time_base if result.duration else info.duration
        bitrate = int(result.bit_rate or 0)
    preview = small_preview(first.convert("RGB"), workdir / "small")
    meta: dict[str, Any] = {
        "length": _length_text(duration),
        "duration": round(duration, 3) if duration else None,
        "fps": round(float(info.frame_rate)),
        "size": f"{width}x{height}",
        "width": width,
        "height": height,
        "aspect": round(width / height, 6),
        "audio_encode": "aac" if info.has_audio and not gifv else None,
        "original": {
            "width": width,
            "height": height,
            "frame_rate": _frame_rate_text(info.frame_rate),
            "duration": round(duration, 3) if duration else None,
            "bitrate": bitrate,
        },
        "small": dimensions(preview.width, preview.height),
    }
    meta = {k: v for k, v in meta.items() if v is not None}
    return ProcessedMedia(
        "gifv" if gifv else "video",
        Rendition(out_path, "mp4", width, height),
        preview,
        meta,
        compute_blurhash(first),
    )


def _length_text(duration: float | None) -> str | None:
    if not duration:
        return None
    whole = int(duration)
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    fraction = f"{duration - whole:.2f}"[1:]
    return f"{hours}:{minutes:02d}:{seconds:02d}{fraction}"
