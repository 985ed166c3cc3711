#!/usr/bin/env bash
# Put MathJax 3 (tex-chtml + its fonts) into docs/_static/mathjax, so that the site renders its formulas
# offline (the headless-browser test, air-gapped readers). Without it the site loads MathJax from its CDN.
set -euo pipefail
cd "$(dirname "$0")"
target=_static/mathjax
[ -f "$target/es5/tex-chtml.js" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mathjax@3.2.2 >/dev/null && tar xzf mathjax-3.2.2.tgz)
mkdir -p "$target"
cp -r "$work/package/es5" "$target/"
echo "MathJax 3.2.2 in docs/$target"
