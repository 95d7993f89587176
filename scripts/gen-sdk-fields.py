#!/usr/bin/env python3
"""Regenerates Sources/GraphSandbox/Engine/SDKFieldNames.swift from Meta's Python Business SDK.

The sandbox accepts every field the SDK lists for the node types it serves (so third-party connectors that request
them, e.g. Airbyte's source-facebook-marketing or singer's tap-facebook, are not stopped by a #100), and still
answers #100 for any other name. The lists come from the `class Field(AbstractObject.Field)` block of each
`facebook_business/adobjects/<type>.py`, plus `AdsInsights.ActionBreakdowns`.

Several sources may be given; the table is their union, so fields of every Graph version in use are accepted (the
connectors pin facebook-business 25.x, scripts/sdk-conformance.sh runs 26.0.3). The table in the repository was made with
  scripts/gen-sdk-fields.py --git-dir <mirror of facebook-python-business-sdk> --pypi 26.0.3
Usage:
  scripts/gen-sdk-fields.py --git-dir /path/to/facebook-python-business-sdk/.git [--rev HEAD]
  scripts/gen-sdk-fields.py --src /path/to/checkout-or-unpacked-wheel
  scripts/gen-sdk-fields.py --pypi 26.0.3      # downloads that facebook-business wheel with pip
  scripts/gen-sdk-fields.py                    # shallow-clones github.com/facebook/facebook-python-business-sdk
The script runs `swift format -i` on the output when `swift` is on PATH.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "GraphSandbox", "Engine", "SDKFieldNames.swift")
REPO_URL = "https://github.com/facebook/facebook-python-business-sdk"

# Swift property name -> (SDK module, class whose names are read, Graph node type served by the sandbox).
TABLES = [
    ("campaign", "campaign", "Field", "Campaign (AdCampaignGroup)"),
    ("adset", "adset", "Field", "AdSet (AdCampaign)"),
    ("ad", "ad", "Field", "Ad (AdGroup)"),
    ("adCreative", "adcreative", "Field", "AdCreative"),
    ("adAccount", "adaccount", "Field", "AdAccount"),
    ("adsInsights", "adsinsights", "Field", "AdsInsights (insights rows)"),
    ("actionBreakdowns", "adsinsights", "ActionBreakdowns", "AdsInsights.ActionBreakdowns (`action_breakdowns` values)"),
    ("adReportRun", "adreportrun", "Field", "AdReportRun"),
    ("adImage", "adimage", "Field", "AdImage"),
    ("adVideo", "advideo", "Field", "AdVideo"),
]


def names(source: str, cls: str) -> list[str]:
    """The string values of `class <cls>` (nested one level in the object's class), in SDK order."""
    out: list[str] = []
    inside = False
    header = re.compile(r"^    class " + re.escape(cls) + r"\b.*:\s*$")
    for line in source.splitlines():
        if not inside:
            inside = bool(header.match(line))
            continue
        if line.strip() == "":
            continue
        if not line.startswith("        "):
            break
        m = re.match(r"^        \w+ = '([^']+)'\s*$", line)
        if m and m.group(1) not in out:
            out.append(m.group(1))
    if not out:
        sys.exit(f"no names found for class {cls}")
    return out


def git_source(git_dir: str, rev: str):
    commit = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", rev], check=True, capture_output=True, text=True).stdout.strip()

    def read(path: str) -> str:
        return subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], check=True, capture_output=True, text=True).stdout

    return f"{REPO_URL} at commit {commit}", read


def dir_source(root: str, label: str):
    def read(path: str) -> str:
        with open(os.path.join(root, path), encoding="utf-8") as f:
            return f.read()

    return label, read


def pypi_source(version: str, tmp: str):
    """The facebook-business wheel from PyPI, fetched with pip (no dependencies) and unpacked."""
    target = os.path.join(tmp, f"pypi-{version}")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check", f"facebook-business=={version}", "-d", target],
        check=True,
    )
    wheel = next(f for f in os.listdir(target) if f.endswith(".whl"))
    with zipfile.ZipFile(os.path.join(target, wheel)) as z:
        z.extractall(target)
    return dir_source(target, f"PyPI facebook-business=={version} ({wheel})")


def main() -> None:
    ap = argparse.ArgumentParser(description="Regenerates SDKFieldNames.swift: the union of the field names of every source given.")
    ap.add_argument("--git-dir", action="append", default=[], help="a git directory of facebook-python-business-sdk (its --rev)")
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("--src", action="append", default=[], help="a checkout or unpacked package containing facebook_business/")
    ap.add_argument("--pypi", action="append", default=[], help="a facebook-business version to download from PyPI")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        git_dirs = args.git_dir
        if not git_dirs and not args.src and not args.pypi:
            subprocess.run(["git", "clone", "--quiet", "--depth", "1", REPO_URL, os.path.join(tmp, "sdk")], check=True)
            git_dirs = [os.path.join(tmp, "sdk", ".git")]
        sources = [git_source(g, args.rev) for g in git_dirs]
        sources += [dir_source(d, os.path.abspath(d)) for d in args.src]
        sources += [pypi_source(v, tmp) for v in args.pypi]
        lines = ["// GENERATED by scripts/gen-sdk-fields.py — do not edit by hand; rerun the script to refresh:"]
        lines.append("//   scripts/gen-sdk-fields.py " + " ".join(sys.argv[1:]).replace(os.path.expanduser("~"), "~"))
        lines.append("// The union of the names in facebook_business/adobjects/*.py (`class Field`, AdsInsights.ActionBreakdowns) of:")
        for label, read in sources:
            config = read("facebook_business/apiconfig.py")
            sdk_version = re.search(r"'SDK_VERSION': '([^']+)'", config).group(1)
            api_version = re.search(r"'API_VERSION': '([^']+)'", config).group(1)
            lines.append(f"//   - {label} (SDK {sdk_version}, Graph API {api_version})")
        lines += [
            "",
            "/// The field names Meta's Python Business SDK lists per node type. The sandbox accepts all of them (answering",
            "/// with a value where it models the field, omitting it otherwise, as Graph omits unset fields) and still",
            "/// answers #100 for any other name.",
            "enum SDKFieldNames {",
        ]
        for prop, module, cls, label in TABLES:
            values: list[str] = []
            for _, read in sources:
                values += [v for v in names(read(f"facebook_business/adobjects/{module}.py"), cls) if v not in values]
            lines.append(f"    /// {label}: {len(values)} names.")
            lines.append(f"    static let {prop}: Set<String> = [")
            lines += [f'        "{v}",' for v in values]
            lines.append("    ]")
        lines.append("}")
        with open(OUT, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(f"wrote {os.path.normpath(OUT)} from {len(sources)} source(s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if shutil.which("swift"):
        subprocess.run(["swift", "format", "-i", OUT], check=False)


if __name__ == "__main__":
    main()
