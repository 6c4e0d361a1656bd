#!/bin/sh
# Installs the unpacked otvisit bundle: system-wide as root (/opt/otvisit), else for this user
# (~/.local/opt/otvisit). Adds the menu entry and icon; records stay in each user's data folder.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
# PREFIX, BINDIR and SHARE override where each part goes.
if [ "$(id -u)" = 0 ]; then
  prefix="${PREFIX:-/opt/otvisit}"; bindir="${BINDIR:-/usr/local/bin}"; share="${SHARE:-/usr/share}"
else
  prefix="${PREFIX:-$HOME/.local/opt/otvisit}"; bindir="${BINDIR:-$HOME/.local/bin}"
  share="${SHARE:-$HOME/.local/share}"
fi
if [ "$here" != "$prefix" ]; then
  rm -rf "$prefix.new"
  mkdir -p "$(dirname "$prefix")"
  cp -a "$here" "$prefix.new"
  rm -rf "$prefix"
  mv "$prefix.new" "$prefix"
fi
mkdir -p "$bindir" "$share/applications" "$share/icons/hicolor/scalable/apps" \
  "$share/icons/hicolor/256x256/apps"
ln -sf "$prefix/otvisit" "$bindir/otvisit"
sed "s|^Exec=otvisit|Exec=$prefix/otvisit|" "$prefix/share/otvisit.desktop" \
  > "$share/applications/otvisit.desktop"
cp "$prefix/share/otvisit.svg" "$share/icons/hicolor/scalable/apps/otvisit.svg"
cp "$prefix/share/otvisit.png" "$share/icons/hicolor/256x256/apps/otvisit.png"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$share/icons/hicolor" || true
echo "otvisit installed in $prefix; check it with: $prefix/otvisit selftest"
