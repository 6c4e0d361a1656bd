"""Copy nhsuk-frontend's compiled assets from console/node_modules into the console's static folder.

``--check``: exit 0 when console/node_modules holds the version console/package-lock.json pins.
The stylesheet's image paths are made relative to it, and its @font-face rules (Frutiger, a
licensed font the package fetches from assets.nhs.uk) are dropped: the console must load nothing
from the internet, and the design system's own fallback (Arial) is used instead.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "console"
PACKAGE = SOURCE / "node_modules" / "nhsuk-frontend"
STATIC = ROOT / "otvisit" / "sync" / "server" / "console" / "static"
FONT_FACE = re.compile(r"@font-face\{[^}]*assets\.nhs\.uk[^}]*\}")
IMAGES = ("favicon.ico", "favicon.svg", "nhsuk-icon-180.png")


def locked_version() -> str:
    lock = json.loads((SOURCE / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"]["node_modules/nhsuk-frontend"]["version"])


def installed_version() -> str | None:
    manifest = PACKAGE / "package.json"
    if not manifest.exists():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def build() -> Path:
    version = locked_version()
    dist = PACKAGE / "dist" / "nhsuk"
    css = (dist / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    css = FONT_FACE.sub("", css).replace("url(/assets/", "url(assets/")
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
    if "assets.nhs.uk" in css or "https://" in css:
        raise SystemExit("build_console: the stylesheet still loads something from the internet")
    js = (dist / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    shutil.rmtree(STATIC, ignore_errors=True)
    (STATIC / "assets" / "images").mkdir(parents=True)
    (STATIC / "nhsuk-frontend.min.css").write_text(css, encoding="utf-8")
    (STATIC / "nhsuk-frontend.min.js").write_text(js, encoding="utf-8")
    for image in sorted((dist / "assets" / "images").iterdir()):
        if image.suffix == ".svg" or image.name in IMAGES:
            shutil.copy2(image, STATIC / "assets" / "images" / image.name)
    shutil.copy2(PACKAGE / "package.json", STATIC / "nhsuk-frontend-package.json")
    (STATIC / "VERSION").write_text(f"nhsuk-frontend {version}\n", encoding="utf-8")
    return STATIC


def main(argv: list[str]) -> int:
    if "--check" in argv:
        return 0 if installed_version() == locked_version() else 1
    if installed_version() != locked_version():
        print("build_console: run scripts/build-console (npm ci first)", file=sys.stderr)
        return 1
    folder = build()
    print(f"nhsuk-frontend {locked_version()} built into {folder.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
