#!/usr/bin/env bash
# Regenerates each packed project's PublicAPI.Unshipped.txt from a build's RS0016 diagnostics (run after changing public API; review the diff).
set -euo pipefail
cd "$(dirname "$0")/.."
projects=(src/ErrorCatalog/ErrorCatalog.csproj src/ErrorCatalog.AspNetCore/ErrorCatalog.AspNetCore.csproj src/ErrorCatalog.Redis/ErrorCatalog.Redis.csproj src/ErrorCatalog.OpenApi/ErrorCatalog.OpenApi.csproj src/ErrorCatalog.Client/ErrorCatalog.Client.csproj)
for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
done
for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  log=$(mktemp)
  # Warnings stay warnings here so every undeclared symbol is reported, not only the first project's errors.
  dotnet build "$project" -c Release --no-incremental -p:TreatWarningsAsErrors=false -clp:NoSummary >"$log" 2>&1 || { cat "$log"; exit 1; }
  symbols=$(grep -F "$(realpath "$project")" "$log" \
    | sed -n "s/.*warning RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" | LC_ALL=C sort -u)
  { printf '#nullable enable\n'; [ -n "$symbols" ] && printf '%s\n' "$symbols"; } > "$dir/PublicAPI.Unshipped.txt"
  echo "$dir/PublicAPI.Unshipped.txt: $(printf '%s' "$symbols" | grep -c . || true) symbols"
  rm -f "$log"
done
