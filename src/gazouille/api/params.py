"""Request parameters as Mastodon clients send them: query string, form, multipart or JSON,
with Rails-style keys (``id[]``, ``poll[options][]``, ``source[privacy]``,
``fields_attributes[0][name]``) folded into nested values."""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request

from gazouille.core.errors import GazouilleError, ValidationFailed
from gazouille.core.ids import parse_id

_KEY_PART = re.compile(r"\[([^\]]*)\]")
TRUE = {"true", "1", "on", "yes", "t"}
FALSE = {"false", "0", "off", "no", "f", ""}


class BadRequest(GazouilleError):
    status = 400


def _split_key(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    parts = [head]
    if rest:
        parts += _KEY_PART.findall("[" + rest)
    return parts


def _assign(target: dict[str, Any], key: str, value: Any) -> None:
    parts = _split_key(key)
    node: Any = target
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        following = None if last else parts[index + 1]
        if last:
            if part == "":
                continue
            node[part] = value
        elif following == "":
            node.setdefault(part, [])
            if not isinstance(node[part], list):
                node[part] = [node[part]]
            node[part].append(value)
            return
        else:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]


def fold(items: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in items:
        _assign(result, key, value)
    return result


class Params:
    """Typed access to merged parameters; bad values raise 422 with the name of the field."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def __contains__(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def get_str(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, (dict, list, UploadFile)):
            raise ValidationFailed(f"Validation failed: {key} must be a string")
        return str(value)

    def get_bool(self, key: str, default: bool | None = None) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValidationFailed(f"Validation failed: {key} must be true or false")

    def get_int(
        self,
        key: str,
        default: int | None = None,
        *,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationFailed(f"Validation failed: {key} must be a number") from None
        if low is not None and number < low:
            number = low
        if high is not None and number > high:
            number = high
        return number

    def get_id(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        return parse_id(value)

    def get_list(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return [value[k] for k in sorted(value, key=lambda k: (len(k), k))]
        return [value]

    def get_strs(self, key: str) -> list[str]:
        return [
            str(v) for v in self.get_list(key) if v is not None and not isinstance(v, (dict, list))
        ]

    def get_dict(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        return value if isinstance(value, dict) else {}

    def sub(self, key: str) -> Params:
        return Params(self.get_dict(key))


async def read_params(request: Request) -> Params:
    """Query string and body merged (the body wins), folded into nested values."""
    items: list[tuple[str, Any]] = list(request.query_params.multi_items())
    data = fold(items)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/json" or content_type.endswith("+json"):
            body = await request.body()
            if body.strip():
                try:
                    parsed = orjson.loads(body)
                except orjson.JSONDecodeError:
                    raise BadRequest("Malformed JSON in the request body") from None
                if not isinstance(parsed, dict):
                    raise BadRequest("The request body must be a JSON object")
                data.update(parsed)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                form = await request.form(max_files=16, max_fields=1000)
            except Exception:
                raise BadRequest("Malformed form data in the request body") from None
            data.update(fold(list(form.multi_items())))
    return Params(data)
