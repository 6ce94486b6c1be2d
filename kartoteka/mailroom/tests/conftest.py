import pytest


@pytest.fixture(autouse=True)
def scan_dir(settings, tmp_path):
    """Every test keeps its scans in its own directory."""
    settings.KARTOTEKA_MAIL_SCAN_DIR = tmp_path / "mail-scans"
    return settings.KARTOTEKA_MAIL_SCAN_DIR
