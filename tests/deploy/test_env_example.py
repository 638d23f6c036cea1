"""deploy/env.example reads the same through systemd's EnvironmentFile= and the shell's `set -a; . file`."""

import subprocess
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "env.example"


def as_systemd_reads_it(text):
    """EnvironmentFile=: NAME=value per line, # comments, one pair of surrounding double quotes removed."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[name] = value
    return values


def as_the_shell_reads_it(path, names):
    script = f"set -a; . {path}; set +a; " + "; ".join(f'printf "%s\\0" "${name}"' for name in names)
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return dict(zip(names, result.stdout.split("\0")[:-1]))


def test_the_example_env_file_reads_the_same_in_systemd_and_in_the_shell():
    expected = as_systemd_reads_it(EXAMPLE.read_text(encoding="utf-8"))
    assert expected["DEFAULT_FROM_EMAIL"] == "党委组织部 <dangjian@example.edu.cn>"
    assert as_the_shell_reads_it(EXAMPLE, list(expected)) == expected


def test_an_unquoted_sender_is_what_broke_the_shell(tmp_path):
    broken = tmp_path / "env"
    broken.write_text("DEFAULT_FROM_EMAIL=党委组织部 <dangjian@example.edu.cn>\n", encoding="utf-8")
    result = subprocess.run(["sh", "-c", f"set -a; . {broken}"], capture_output=True, text=True, check=False)
    assert result.returncode != 0  # the line docs/deploy.md used to show; the example quotes it
