"""Checks that a file is a real image: the format's signature, and Pillow decodes every frame."""

from __future__ import annotations

import pathlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path: pathlib.Path, min_size: tuple[int, int] = (100, 100)) -> None:
    from PIL import Image

    assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    with Image.open(path) as image:
        image.load()
        assert image.format == "PNG"
        assert image.width >= min_size[0] and image.height >= min_size[1], image.size


def assert_gif(path: pathlib.Path, frames: int) -> None:
    from PIL import Image

    assert path.read_bytes()[:6] in (b"GIF87a", b"GIF89a"), f"{path} is not a GIF"
    with Image.open(path) as image:
        assert image.format == "GIF" and image.n_frames == frames
        for index in range(image.n_frames):
            image.seek(index)
            image.load()
