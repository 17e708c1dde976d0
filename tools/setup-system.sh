#!/usr/bin/env bash
# System packages plan_extract uses beside Python (Debian/Ubuntu). Installs only what is missing.
#   tesseract-ocr, tesseract-ocr-vie  OCR of scanned PDFs (read/ocr.py)
#   libreoffice-writer-nogui          .doc/.odt/.rtf input (read/__init__.py)
#   postgresql                        the PostgreSQL path of the tests (tests/test_outputs.py)
#   chromium                          rendering test of the HTML audit report
# Set PLAN_EXTRACT_MINIMAL=1 to install only what the main job needs (OCR, LibreOffice).
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have tesseract || need+=(tesseract-ocr)
{ have tesseract && tesseract --list-langs 2>/dev/null | grep -qx vie; } || need+=(tesseract-ocr-vie)
have soffice || need+=(libreoffice-writer-nogui)
if [ "${PLAN_EXTRACT_MINIMAL:-0}" != 1 ]; then
  { have pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } || need+=(postgresql)
  { have chromium || have chromium-browser; } || need+=(chromium)
fi
if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi
if ! have apt-get; then
  echo "setup-system: please install: ${need[*]} (no apt-get on this machine)" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if have sudo; then sudo="sudo"; else
    echo "setup-system: run as root or install: ${need[*]}" >&2
    exit 0
  fi
fi
echo "setup-system: installing ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
