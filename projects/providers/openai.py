"""OpenAI-compatible aggregators (CometAPI and the like) serving Seedream 4.0.

Contract: shared/providers/seedream-api.md §3. `POST {base}/images/generations` with a Bearer key
and an Ark-shaped body passed through (§3.1), so this adapter is the Ark one with three
differences: `image` is always an array (CometAPI documents an array); no `stream` field (it is
not in CometAPI's field list and defaults to false); and the reply may be the OpenAI shape
(`created`, `data[].url | b64_json`, maybe no `usage`) as well as the Ark shape. Error bodies in
the OpenAI shape `{"error": {"message", "type", "code"}}` and the Ark shape are both read by
`http.error_details`. Without `usage.generated_images` the billed count is the images returned.
"""

from __future__ import annotations

import httpx

from projects.providers.ark import ArkProvider
from projects.providers.hosted import Downloader

DEFAULT_BASE_URL = "https://api.cometapi.com/v1"
# [3rd-party] CometAPI's id for Seedream 4.0 (§3.1); aggregators differ, so it is a setting.
DEFAULT_MODEL = "bytedance-seedream-4-0-250828"


class OpenAICompatibleProvider(ArkProvider):
    """Seedream 4.0 through an OpenAI-style `/v1/images/generations` endpoint."""

    name = "openai"
    key_setting = "OPENAI_COMPAT_API_KEY"
    default_read_timeout = 600.0

    def __init__(
        self,
        *,
        api_key: str = "",
        base_url: str = DEFAULT_BASE_URL,
        model: str = DEFAULT_MODEL,
        client: httpx.Client | None = None,
        downloader: Downloader | None = None,
        read_timeout: float | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            model=model,
            client=client,
            downloader=downloader,
            read_timeout=read_timeout,
        )

    # `image` as an array even for one reference: the only form CometAPI documents; and no
    # `stream` field (see the module docstring).
    image_as_list = True
    sends_stream = False
