"""Turning an uploaded file into what is served: content sniffing, Mastodon's limits, and
images with Pillow (orientation applied, every piece of metadata dropped, resized, a small
preview and a blurhash). Video and animated GIF go through ``core.video_processing``.

Everything here is synchronous, CPU-bound and works on local files: callers run it in a
thread, outside any database transaction."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import blurhash
from PIL import Image, ImageCms, ImageFile, ImageOps

from gazouille.core.errors import ValidationFailed

IMAGE_SIZE_LIMIT = 16 * 1024 * 1024
VIDEO_SIZE_LIMIT = 99 * 1024 * 1024
IMAGE_MATRIX_LIMIT = 33_177_600  # 7680x4320
VIDEO_MATRIX_LIMIT = 8_294_400  # 3840x2160
VIDEO_FRAME_RATE_LIMIT = 120
ORIGINAL_PIXELS = 8_294_400  # stored images are at most 3840x2160 worth of pixels
SMALL_PIXELS = 230_400  # previews: 640x360 worth of pixels
DESCRIPTION_LIMIT = 1500

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif")
VIDEO_TYPES = ("video/mp4", "video/quicktime", "video/webm")
SUPPORTED_TYPES = IMAGE_TYPES + VIDEO_TYPES
_PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/avif": "AVIF",
}
ImageFile.LOAD_TRUNCATED_IMAGES = False
Variant = Literal["attachment", "avatar", "header"]
FIXED_SIZES: dict[str, tuple[int, int]] = {"avatar": (400, 400), "header": (1500, 500)}


class MediaInvalid(ValidationFailed):
    """The upload is refused (422); nothing of it is kept."""


def invalid(message: str) -> MediaInvalid:
    return MediaInvalid(f"Validation failed: {message}")


@dataclass
class Rendition:
    path: Path
    ext: str
    width: int
    height: int

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass
class ProcessedMedia:
    type: str  # image | gifv | video
    file: Rendition
    thumbnail: Rendition | None
    meta: dict[str, Any] = field(default_factory=dict)
    blurhash: str | None = None


def sniff(head: bytes) -> str | None:
    """The content type, from the file's first bytes (the client's claim is not trusted)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "image/avif"
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return None
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    return None


def check_upload(path: Path) -> str:
    """The content type of an upload within the limits; MediaInvalid otherwise."""
    with path.open("rb") as f:
        head = f.read(32)
    size = path.stat().st_size
    if size == 0:
        raise invalid("File could not be processed")
    kind = sniff(head)
    if kind is None:
        raise invalid("File content type is invalid")
    limit = IMAGE_SIZE_LIMIT if kind in IMAGE_TYPES else VIDEO_SIZE_LIMIT
    if size > limit:
        raise invalid("File is too large")
    return kind


def dimensions(width: int, height: int) -> dict[str, Any]:
    return {
        "width": width,
        "height": height,
        "size": f"{width}x{height}",
        "aspect": round(width / height, 6) if height else None,
    }


def fit_pixels(width: int, height: int, pixels: int) -> tuple[int, int]:
    """The size with at most ``pixels`` pixels and the same aspect (never enlarged)."""
    if width * height <= pixels:
        return width, height
    scale = math.sqrt(pixels / (width * height))
    return max(1, int(width * scale)), max(1, int(height * scale))


def open_image(path: Path, content_type: str) -> Image.Image:
    """The image, fully decoded, or MediaInvalid (corrupt, truncated or too large)."""
    try:
        image = Image.open(path, formats=[_PILLOW_FORMATS[content_type]])
        if image.width * image.height > IMAGE_MATRIX_LIMIT:
            raise invalid("File dimensions are too large")
        image.load()
    except MediaInvalid:
        raise
    except Image.DecompressionBombError:
        raise invalid("File dimensions are too large") from None
    except (OSError, SyntaxError, ValueError, EOFError, KeyError, TypeError):
        raise invalid("File could not be processed") from None
    return image


def is_animated(image: Image.Image) -> bool:
    return bool(getattr(image, "is_animated", False)) and getattr(image, "n_frames", 1) > 1


def _to_srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image,
            source,
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def clean_copy(image: Image.Image) -> Image.Image:
    """The pixels only: orientation applied, colours in sRGB, no EXIF, GPS, XMP, ICC or text."""
    oriented = ImageOps.exif_transpose(image) or image
    has_alpha = oriented.mode in ("RGBA", "LA", "PA") or (
        oriented.mode == "P" and "transparency" in oriented.info
    )
    if oriented.mode in ("CMYK", "RGB", "RGBA"):
        oriented = _to_srgb(oriented)
    pixels = oriented.convert("RGBA" if has_alpha else "RGB")
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    clean.info = {}
    return clean


def save_image(image: Image.Image, path_stem: Path, prefer: str) -> Rendition:
    """Write ``image`` as JPEG, PNG or WebP (PNG when there is transparency and JPEG was asked)."""
    fmt = prefer
    if fmt == "JPEG" and image.mode == "RGBA":
        fmt = "PNG"
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    path = path_stem.with_suffix(f".{ext}")
    options: dict[str, Any] = {}
    if fmt == "JPEG":
        options = {"quality": 90, "optimize": True, "progressive": True}
    elif fmt == "WEBP":
        options = {"quality": 90}
    image.save(path, fmt, **options)
    return Rendition(path, ext, image.width, image.height)


def compute_blurhash(image: Image.Image) -> str | None:
    tiny = image.convert("RGB")
    tiny.thumbnail((32, 32))
    width, height = tiny.size
    data = tiny.tobytes()
    rows = [
        [list(data[(y * width + x) * 3 : (y * width + x) * 3 + 3]) for x in range(width)]
        for y in range(height)
    ]
    try:
        return str(blurhash.encode(rows, components_x=4, components_y=4))
    except (ValueError, ZeroDivisionError):
        return None


def process_thumbnail(path: Path, workdir: Path) -> Rendition:
    """A custom preview for an attachment (a video's poster): a still image, cleaned and
    scaled to preview size, kept in its format (PNG stays PNG)."""
    content_type = check_upload(path)
    if content_type not in IMAGE_TYPES:
        raise invalid("Validation failed: Thumbnail content type is invalid")
    image = open_image(path, content_type)
    clean = clean_copy(image)
    width, height = fit_pixels(clean.width, clean.height, SMALL_PIXELS)
    if (width, height) != clean.size:
        clean = clean.resize((width, height), Image.Resampling.LANCZOS)
    prefer = {"image/png": "PNG", "image/webp": "WEBP", "image/gif": "PNG"}.get(
        content_type, "JPEG"
    )
    return save_image(clean, workdir / "thumbnail", prefer)


def small_preview(image: Image.Image, stem: Path) -> Rendition:
    width, height = fit_pixels(image.width, image.height, SMALL_PIXELS)
    small = image.resize((width, height), Image.Resampling.LANCZOS)
    return save_image(small, stem, "JPEG")


def process_image(
    path: Path, content_type: str, workdir: Path, variant: Variant = "attachment"
) -> ProcessedMedia:
    """A still image ready to serve: the (possibly resized) file and, for attachments, a
    small preview, the blurhash and Mastodon's ``meta``."""
    image = open_image(path, content_type)
    clean = clean_copy(image)
    if variant in FIXED_SIZES:
        fitted = ImageOps.fit(clean, FIXED_SIZES[variant], Image.Resampling.LANCZOS)
        return ProcessedMedia("image", save_image(fitted, workdir / variant, "JPEG"), None)
    width, height = fit_pixels(clean.width, clean.height, ORIGINAL_PIXELS)
    if (width, height) != clean.size:
        clean = clean.resize((width, height), Image.Resampling.LANCZOS)
    prefer = {"image/png": "PNG", "image/webp": "WEBP", "image/gif": "PNG"}.get(
        content_type, "JPEG"
    )
    original = save_image(clean, workdir / "original", prefer)
    small = small_preview(clean, workdir / "small")
    meta = {
        "original": dimensions(original.width, original.height),
        "small": dimensions(small.width, small.height),
    }
    return ProcessedMedia("image", original, small, meta, compute_blurhash(clean))
