"""The steps another site follows to add the apps are one file, which the README shows whole
and ``make host-test`` runs in fresh Wagtail sites: they cannot drift apart."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_shows_the_whole_steps_file():
    steps = (ROOT / "docs" / "add-to-your-site.sh").read_text()
    readme = (ROOT / "README.md").read_text()

    assert f"```bash\n{steps}```" in readme


def test_the_host_test_runs_that_file_and_ci_runs_the_host_test():
    assert "docs/add-to-your-site.sh" in (ROOT / "tests" / "host" / "run").read_text()
    assert "make host-test" in (ROOT / ".ci" / "run").read_text()


def test_the_distribution_holds_the_apps_only():
    pyproject = (ROOT / "pyproject.toml").read_text()

    assert 'include = ["courses*", "facilitators*", "certificates*"]' in pyproject
