"""`asf-registry run`, as a user calls it: a real process on an empty database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from registry.settings import PROJECT_ROOT


def test_run_prints_a_summary_of_a_non_empty_registry(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASF_", "DAGSTER_"))}
    env["ASF_REGISTRY_DB_URL"] = f"sqlite:///{tmp_path / 'fresh' / 'registry.db'}"
    completed = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run"],
        cwd=tmp_path,  # not the project root: default paths must not depend on where it is started
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    out = completed.stdout
    # In Swedish: the officials who act on the scan read it.
    assert "Registret är publicerat: 27 aktiva organisationer (27 nya, 0 inte längre listade, 0 inaktiva)" in out
    assert "21 på en aktuell ASF-lista" in out
    assert "4 bara på en allmän medlemslista (inte belägg för ASF)" in out
    assert "Ändringar: ny 27" in out
    for line in (
        "city_list            12",
        "skoopi               10",
        "sofisam              6",
        "social_trade         4",
        "region_orebro        3",
        "integrationspakten   5",
    ):
        assert line in out
    # The first ten organisations added, by name in Swedish order, then how many more.
    lines = out.splitlines()
    added = lines[lines.index("  Nya:") + 1 : lines.index("  Nya:") + 12]
    assert added[0] == "    Basta Arbetskooperativ ek. för." and added[-1] == "    … och 17 till"
    assert "2 poster i karantän: se dem med  asf-registry quarantine" in out
    assert "Company register" not in out and "records" not in out
    report = tmp_path / "data" / "reports" / "registry_report.html"
    assert f"Rapport: {report}" in out and report.exists()
    assert f"Databas: sqlite:///{tmp_path / 'fresh' / 'registry.db'}" in out
    assert (tmp_path / "fresh" / "registry.db").exists()
    assert PROJECT_ROOT.joinpath("recordings", "index.jsonl").exists()


def test_a_blocked_night_says_why_and_exits_non_zero(tmp_path: Path) -> None:
    city = tmp_path / "city"
    city.mkdir()
    rows = "\n".join(f"{i};Exempelkooperativ nummer {i}" for i in range(1, 11))
    (city / "lista.csv").write_text(f"Id;Namn\n{rows}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASF_", "DAGSTER_"))}
    env |= {"ASF_REGISTRY_DB_URL": f"sqlite:///{tmp_path / 'registry.db'}", "ASF_CITY_LIST_DIR": str(city)}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "run"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    assert run().returncode == 0
    (city / "lista.csv").write_text("Id;Namn\n1;Exempelkooperativ nummer 1\n")
    blocked = run()
    assert blocked.returncode == 1
    # In Swedish, from the check's figures (its description is the engineers' English).
    assert (
        "kontroll source_city_list.record_count_stable: 1 post mot 10 senast publicerade: ett fall på mer än 50% "
        "(minst 5 väntades)"
    ) in blocked.stderr
    assert "Inget publicerades: registret behåller sitt tidigare innehåll." in blocked.stderr
    assert "kontroll source_city_list.valid_orgnr_share: 0 av 1 poster (0%) har ett giltigt" in blocked.stderr
    assert "source_city_list: 1 blockerande kontroll misslyckades (allvarlighetsgrad ERROR)" in blocked.stderr
    assert "records" not in blocked.stderr and "check " not in blocked.stderr
    env["ASF_LANG"] = "en"
    blocked = run()  # nothing was published: the same night is blocked again
    assert blocked.returncode == 1
    assert "check source_city_list.record_count_stable: 1 record against 10 last published" in blocked.stderr
    assert "Nothing was published: the registry keeps its previous state." in blocked.stderr
