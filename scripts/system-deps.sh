#!/usr/bin/env bash
# Installs the Debian packages the suite needs (Chromium for browser tests, PostgreSQL for
# the second database run) when running as root and they are missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || need+=(postgresql)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)  # report PDFs are checked as PNGs
ldconfig -p | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)  # WeasyPrint (PDF reports)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)  # analytics parity on Spark
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (install them with apt-get as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
