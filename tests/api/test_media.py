"""Media uploads: processing (orientation, metadata, sizes, previews, blurhash), video and
GIF through a job, limits, alt text and focus, deletion, files served by the app, avatars
and headers, and media on statuses."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import av
from PIL import Image
from sqlalchemy import func, select

from gazouille.models import MediaAttachment
from tests.api import media_files
from tests.api.test_contract import check
from tests.conftest import Api


async def upload(
    api: Api, token: str, data: bytes, name: str = "f.jpg", version: int = 2, **fields: str
) -> Any:
    return await api.post(
        f"/api/v{version}/media",
        token,
        files={"file": (name, data, "application/octet-stream")},
        data=fields,
    )


def media_dir(app: Any) -> Path:
    return Path(app.state.gazouille.settings.data_dir) / "media"


def stored_files(app: Any) -> list[Path]:
    root = media_dir(app)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def media_count(db: Any) -> int:
    async with db.read() as session:
        return int((await session.execute(select(func.count(MediaAttachment.id)))).scalar() or 0)


async def fetch(api: Api, url: str) -> Any:
    return await api.get(url.replace("http://localhost:3000", ""))


async def test_image_upload_is_oriented_stripped_and_described(
    api: Api, alice: str, bob: str
) -> None:
    source = media_files.jpeg_with_gps(40, 20, orientation=6)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(media_files.GPS_IFD)
    r = await upload(api, alice, source, description="A red flag", focus="0.5,-0.25")
    assert r.status_code == 200, r.text
    media = r.json()
    check("MediaAttachment", media)
    assert media["type"] == "image" and media["description"] == "A red flag"
    # EXIF orientation 6 turns the 40x20 picture upright: 20x40.
    assert media["meta"]["original"] == {"width": 20, "height": 40, "size": "20x40", "aspect": 0.5}
    assert media["meta"]["small"]["width"] == 20
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert media["blurhash"] and media["remote_url"] is None and media["text_url"] is None
    served = await fetch(api, media["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(served.content))
    assert image.size == (20, 40)
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert media_files.GPS_IFD not in image.getexif()
    preview = await fetch(api, media["preview_url"])
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("image/")

    shown = await api.get(f"/api/v1/media/{media['id']}", alice)
    assert shown.status_code == 200 and shown.json()["id"] == media["id"]
    assert (await api.get(f"/api/v1/media/{media['id']}", bob)).status_code == 404
    assert (await api.get(f"/api/v1/media/{media['id']}")).status_code == 401

    changed = await api.request(
        "PUT", f"/api/v1/media/{media['id']}", alice, json={"description": "new", "focus": "1,1"}
    )
    assert changed.status_code == 200
    assert changed.json()["description"] == "new"
    assert changed.json()["meta"]["focus"] == {"x": 1.0, "y": 1.0}
    for body, message in [
        ({"focus": "2,0"}, "Focus"),
        ({"focus": "a,b"}, "Focus"),
        ({"description": "x" * 1501}, "Description is too long"),
    ]:
        bad = await api.request("PUT", f"/api/v1/media/{media['id']}", alice, json=body)
        assert bad.status_code == 422 and message in bad.json()["error"], bad.text
    other = await api.request("PUT", f"/api/v1/media/{media['id']}", bob, json={"description": "x"})
    assert other.status_code == 404
    assert (await api.get(f"/api/v1/media/{media['id']}", alice)).json()["description"] == "new"


async def test_large_images_are_resized_and_png_stays_png(api: Api, alice: str) -> None:
    r = await upload(api, alice, media_files.png(5000, 2000), "big.png")
    assert r.status_code == 200, r.text
    meta = r.json()["meta"]
    width, height = meta["original"]["width"], meta["original"]["height"]
    assert width * height <= 8_294_400 and abs(width / height - 2.5) < 0.01
    assert meta["small"]["width"] * meta["small"]["height"] <= 230_400
    served = await fetch(api, r.json()["url"])
    assert served.headers["content-type"] == "image/png"


async def test_refused_uploads_leave_nothing_behind(
    api: Api, app: Any, db: Any, alice: str
) -> None:
    jpeg = media_files.jpeg_with_gps()
    cases = [
        (b"just some text, not a picture", "File content type is invalid"),
        (b"%PDF-1.4 not allowed", "File content type is invalid"),
        (jpeg[: len(jpeg) // 2], "File could not be processed"),
        (media_files.png_bomb(), "File dimensions are too large"),
        (media_files.png_bomb(6000, 6000), "File dimensions are too large"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (16 * 1024 * 1024), "File is too large"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "File could not be processed"),
        (b"", "File could not be processed"),
    ]
    for data, message in cases:
        for version in (1, 2):
            r = await upload(api, alice, data, version=version)
            assert r.status_code == 422, (message, r.text)
            assert message in r.json()["error"], (message, r.text)
    missing = await api.post("/api/v2/media", alice, data={"description": "no file"})
    assert missing.status_code == 422 and "File can't be blank" in missing.json()["error"]
    not_a_file = await api.post("/api/v2/media", alice, data={"file": "text"})
    assert not_a_file.status_code == 422
    too_long = await upload(api, alice, jpeg, description="x" * 1501)
    assert too_long.status_code == 422
    bad_focus = await upload(api, alice, jpeg, focus="3,3")
    assert bad_focus.status_code == 422
    assert await media_count(db) == 0
    assert stored_files(app) == []
    assert (await api.post("/api/v2/media", files={"file": ("f", jpeg)})).status_code == 401


async def test_animated_gif_becomes_gifv_through_a_job(
    api: Api, app: Any, alice: str, run_jobs: Any
) -> None:
    r = await upload(api, alice, media_files.animated_gif(), "anim.gif")
    assert r.status_code == 202, r.text
    pending = r.json()
    assert pending["type"] == "gifv" and pending["url"] is None and pending["preview_url"] is None
    check("MediaAttachment", pending)
    assert (await api.get(f"/api/v1/media/{pending['id']}", alice)).status_code == 206
    # Not attachable while processing.
    early = await api.post(
        "/api/v1/statuses", alice, json={"status": "soon", "media_ids": [pending["id"]]}
    )
    assert early.status_code == 422 and "processed" in early.json()["error"]
    await run_jobs()
    done = await api.get(f"/api/v1/media/{pending['id']}", alice)
    assert done.status_code == 200, done.text
    media = done.json()
    check("MediaAttachment", media)
    assert media["type"] == "gifv" and media["url"].endswith(".mp4")
    assert media["meta"]["original"]["frame_rate"] == "10/1"
    assert 0.4 < media["meta"]["original"]["duration"] < 0.8
    served = await fetch(api, media["url"])
    assert served.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(served.content)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert not container.streams.audio
    # Only the processed files remain: the uploaded source is gone.
    names = sorted(p.name for p in stored_files(app))
    assert names == ["original.mp4", "small.jpg"]
    assert await run_jobs() == 0


async def test_video_processing_v1_synchronous_and_v2_by_job(
    api: Api, app: Any, alice: str, run_jobs: Any
) -> None:
    clip = media_files.video(seconds=1.0, rate=10)
    now = await upload(api, alice, clip, "clip.mp4", version=1)
    assert now.status_code == 200, now.text
    media = now.json()
    check("MediaAttachment", media)
    assert media["type"] == "video" and media["url"].endswith(".mp4") and media["preview_url"]
    original = media["meta"]["original"]
    assert (original["width"], original["height"], original["frame_rate"]) == (96, 64, "10/1")
    assert 0.8 < original["duration"] < 1.3 and original["bitrate"] > 0
    served = await fetch(api, media["url"])
    with av.open(io.BytesIO(served.content)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        assert "title" not in container.metadata  # metadata dropped
    later = await upload(api, alice, clip, "clip.mp4", version=2)
    assert later.status_code == 202 and later.json()["url"] is None
    # The source waiting for the job is never served.
    source = next(p for p in stored_files(app) if p.name.startswith("source."))
    key = source.relative_to(media_dir(app)).as_posix()
    assert (await api.get(f"/system/{key}")).status_code == 404
    await run_jobs()
    done = (await api.get(f"/api/v1/media/{later.json()['id']}", alice)).json()
    assert done["type"] == "video" and done["url"] and done["blurhash"]
    assert not any(p.name.startswith("source.") for p in stored_files(app))


async def test_delete_only_unattached(api: Api, app: Any, alice: str, bob: str) -> None:
    first = (await upload(api, alice, media_files.png())).json()
    second = (await upload(api, alice, media_files.png())).json()
    assert (await api.request("DELETE", f"/api/v1/media/{first['id']}", bob)).status_code == 404
    gone = await api.request("DELETE", f"/api/v1/media/{first['id']}", alice)
    assert gone.status_code == 200 and gone.json() == {}
    assert (await fetch(api, first["url"])).status_code == 404
    assert (await api.get(f"/api/v1/media/{first['id']}", alice)).status_code == 404
    await api.post_status(alice, "", media_ids=[second["id"]])
    used = await api.request("DELETE", f"/api/v1/media/{second['id']}", alice)
    assert used.status_code == 422 and "used by a status" in used.json()["error"]
    attached = await api.request(
        "PUT", f"/api/v1/media/{second['id']}", alice, json={"description": "x"}
    )
    assert attached.status_code == 404
    assert (await fetch(api, second["url"])).status_code == 200
    assert (await api.get("/system/../secret_key")).status_code == 404


async def test_statuses_with_media(api: Api, alice: str, bob: str, carol: str) -> None:
    ids = [
        (await upload(api, alice, media_files.png(color=(n, 0, 0)))).json()["id"] for n in (1, 2)
    ]
    status = await api.post_status(alice, "", media_ids=list(reversed(ids)))
    check("Status", status)
    assert [m["id"] for m in status["media_attachments"]] == list(reversed(ids))
    assert status["content"] == ""
    again = await api.post("/api/v1/statuses", alice, json={"status": "x", "media_ids": [ids[0]]})
    assert again.status_code == 422 and "not found" in again.json()["error"]
    bobs = (await upload(api, bob, media_files.png())).json()["id"]
    stolen = await api.post("/api/v1/statuses", alice, json={"status": "x", "media_ids": [bobs]})
    assert stolen.status_code == 422
    five = [(await upload(api, alice, media_files.png())).json()["id"] for _ in range(5)]
    many = await api.post("/api/v1/statuses", alice, json={"status": "x", "media_ids": five})
    assert many.status_code == 422 and "more than 4" in many.json()["error"]
    junk = await api.post("/api/v1/statuses", alice, json={"status": "x", "media_ids": ["abc"]})
    assert junk.status_code == 422
    both = await api.post(
        "/api/v1/statuses",
        alice,
        json={
            "status": "x",
            "media_ids": five[:1],
            "poll": {"options": ["a", "b"], "expires_in": 600},
        },
    )
    assert both.status_code == 422 and "poll" in both.json()["error"]
    assert (await api.me(alice))["statuses_count"] == 1
    # Form encoding with media_ids[] works too.
    form = await api.post(
        "/api/v1/statuses", alice, data={"status": "form", "media_ids[]": five[:2]}
    )
    assert form.status_code == 200 and len(form.json()["media_attachments"]) == 2
    text_only = await api.post_status(alice, "no media")

    # only_media on the public timeline and on the account's statuses.
    public = (await api.get("/api/v1/timelines/public", params={"only_media": "true"})).json()
    assert [s["id"] for s in public] == [form.json()["id"], status["id"]]
    a = await api.me(alice)
    mine = await api.get(f"/api/v1/accounts/{a['id']}/statuses", params={"only_media": "1"})
    assert [s["id"] for s in mine.json()] == [form.json()["id"], status["id"]]
    assert text_only["id"] not in [s["id"] for s in mine.json()]

    # The status's visibility governs who sees its media.
    private_media = (await upload(api, alice, media_files.png())).json()["id"]
    private = await api.post_status(alice, "", media_ids=[private_media], visibility="private")
    assert (await api.get(f"/api/v1/statuses/{private['id']}", carol)).status_code == 404
    await api.follow(carol, a["id"])
    seen = (await api.get(f"/api/v1/statuses/{private['id']}", carol)).json()
    assert seen["media_attachments"][0]["id"] == private_media
    # Delete and redraft: the media come back unattached, ready for the new post.
    deleted = await api.request("DELETE", f"/api/v1/statuses/{status['id']}", alice)
    assert [m["id"] for m in deleted.json()["media_attachments"]] == list(reversed(ids))
    redraft = await api.post_status(alice, "redraft", media_ids=ids)
    assert [m["id"] for m in redraft["media_attachments"]] == ids
    purged = await api.request(
        "DELETE", f"/api/v1/statuses/{redraft['id']}", alice, params={"delete_media": "true"}
    )
    assert purged.status_code == 200
    assert (await api.get(f"/api/v1/media/{ids[0]}", alice)).status_code == 404


async def test_avatar_and_header(api: Api, app: Any, alice: str) -> None:
    r = await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        alice,
        files={
            "avatar": ("me.jpg", media_files.jpeg_with_gps(900, 300), "image/jpeg"),
            "header": ("head.png", media_files.png(300, 300), "image/png"),
            "display_name": (None, "Alice"),
        },
    )
    assert r.status_code == 200, r.text
    me = r.json()
    check("CredentialAccount", me)
    assert me["display_name"] == "Alice"
    assert "/system/accounts/avatars/" in me["avatar"] and me["avatar_static"] == me["avatar"]
    avatar = Image.open(io.BytesIO((await fetch(api, me["avatar"])).content))
    assert avatar.size == (400, 400) and not avatar.getexif()
    header = Image.open(io.BytesIO((await fetch(api, me["header"])).content))
    assert header.size == (1500, 500)
    public = (await api.get(f"/api/v1/accounts/{me['id']}")).json()
    assert public["avatar"] == me["avatar"] and public["header"] == me["header"]
    files_before = sorted(stored_files(app))

    # A refused file changes nothing, even with a good one beside it.
    bad = await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        alice,
        files={
            "avatar": ("a.png", media_files.png(10, 10), "image/png"),
            "header": ("h.png", b"not an image", "image/png"),
        },
    )
    assert bad.status_code == 422
    assert (await api.me(alice))["avatar"] == me["avatar"]
    video = await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        alice,
        files={"avatar": ("v.mp4", media_files.video(0.3), "video/mp4")},
    )
    assert video.status_code == 422
    assert sorted(stored_files(app)) == files_before

    # A new avatar replaces the old file.
    again = await api.request(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        alice,
        files={"avatar": ("b.png", media_files.png(50, 50), "image/png")},
    )
    assert again.status_code == 200 and again.json()["avatar"] != me["avatar"]
    assert (await fetch(api, me["avatar"])).status_code == 404
    assert len(stored_files(app)) == 2


async def test_instance_advertises_the_media_limits(api: Api) -> None:
    for path in ("/api/v2/instance", "/api/v1/instance"):
        limits = (await api.get(path)).json()["configuration"]["media_attachments"]
        assert limits["image_size_limit"] == 16 * 1024 * 1024
        assert limits["video_size_limit"] == 99 * 1024 * 1024
        assert limits["image_matrix_limit"] == 33_177_600
        assert limits["video_matrix_limit"] == 8_294_400
        assert limits["video_frame_rate_limit"] == 120
        assert {"image/jpeg", "image/png", "image/gif", "video/mp4"} <= set(
            limits["supported_mime_types"]
        )
