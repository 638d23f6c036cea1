"""backup → change everything → restore gives back the same rows and the same files (SQLite and PostgreSQL)."""

import hashlib
import importlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from branches import services, uploads
from branches.enums import OrgKind
from branches.management.commands.backup import media_files, table_counts
from branches.models import Event, Organization

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def store(data, name, folder="evidence"):
    return uploads.store_upload(uploads.check_upload(SimpleUploadedFile(name, data)), folder=folder)


def media_state(root):
    return {relative: hashlib.sha256(path.read_bytes()).hexdigest() for relative, path in media_files(root)}


def backup(tmp_path):
    output = tmp_path / "backups"
    out = io.StringIO()
    call_command("backup", output=str(output), stdout=out)
    archives = list(output.glob("backup-*.tar.gz"))
    assert len(archives) == 1 and "备份完成" in out.getvalue()
    assert [path.name for path in output.iterdir()] == [archives[0].name]  # no temporary files left
    return archives[0]


def restore(archive, **options):
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out, **options)
    return out.getvalue()


def read_manifest(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


@pytest.fixture
def site(tree, media_root):
    """The Tree plus some evidence files, one in a folder with a Chinese name."""
    services.declare_basic_requirements(actor=tree.secretary, branch=tree.branch_a1, no_violation=True,
                                        no_conduct_issue=False, no_safety_risk=True)
    store(PDF, "工作专报.pdf")
    store(PDF + b"% second\n", "新闻通讯稿.pdf", folder="reports")
    chinese = Path(media_root) / "旧材料"
    chinese.mkdir(parents=True)
    (chinese / "支部简介.txt").write_text("样板党支部培育材料", encoding="utf-8")
    return tree


def test_a_backup_records_every_table_and_file(site, media_root, tmp_path):
    archive = backup(tmp_path)
    manifest = read_manifest(archive)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == table_counts(tables=list(manifest["tables"]))
    assert manifest["tables"]["branches_organization"] == Organization.objects.count() == 8
    assert manifest["media"] == media_state(media_root) and len(manifest["media"]) == 3
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert manifest["database"]["file"] in names and "media/旧材料/支部简介.txt" in names


def test_backup_then_changes_then_restore_gives_back_the_same_data(site, media_root, tmp_path):
    archive = backup(tmp_path)
    manifest = read_manifest(archive)
    files_before = media_state(media_root)
    declared_before = Organization.objects.get(pk=site.branch_a1.pk).declares_no_conduct_issue

    # Everything changes after the backup: rows added and edited, files removed, edited and added.
    services.organization_update(actor=site.staff, organization=site.branch_b1, name="改名后的党支部")
    services.organization_create(actor=site.staff, code="LATE", name="备份后新建党委", kind=OrgKind.COMMITTEE,
                                 parent=site.school)
    services.declare_basic_requirements(actor=site.secretary, branch=site.branch_a1, no_violation=True,
                                        no_conduct_issue=True, no_safety_risk=True)
    first = next(iter(files_before))
    (Path(media_root) / first).unlink()
    (Path(media_root) / "旧材料" / "支部简介.txt").write_text("被改动", encoding="utf-8")
    store(PDF + b"% late\n", "备份后上传.pdf")
    assert table_counts(tables=list(manifest["tables"])) != manifest["tables"]

    with pytest.raises(CommandError, match="--force"):
        restore(archive)
    assert Organization.objects.filter(code="LATE").exists()  # the refusal changed nothing

    report = restore(archive, force=True)
    assert "恢复完成" in report and "不一致" not in report.replace("全部一致", "")
    counts = table_counts(tables=list(manifest["tables"]))
    assert {table: count for table, count in counts.items() if table != "branches_event"} == {
        table: count for table, count in manifest["tables"].items() if table != "branches_event"}
    # The log shows the restore itself, on top of the restored history.
    assert counts["branches_event"] == manifest["tables"]["branches_event"] + 1
    assert Event.objects.filter(action="system.restored").count() == 1
    assert not Organization.objects.filter(code="LATE").exists()
    assert Organization.objects.get(pk=site.branch_b1.pk).name == "乙一党支部"
    assert Organization.objects.get(pk=site.branch_a1.pk).declares_no_conduct_issue == declared_before
    assert media_state(media_root) == files_before
    # The restored site keeps working: a new write gets a fresh id and is logged.
    services.organization_create(actor=site.staff, code="AFTER", name="恢复后新建党委", kind=OrgKind.COMMITTEE,
                                 parent=site.school)


def test_a_restore_onto_a_fresh_installation_needs_no_force(site, media_root, tmp_path):
    archive = backup(tmp_path)
    manifest = read_manifest(archive)
    call_command("flush", interactive=False, verbosity=0)
    for relative, path in media_files(media_root):
        path.unlink()
    assert Organization.objects.count() == 0
    restore(archive)
    assert Organization.objects.count() == manifest["tables"]["branches_organization"]
    assert media_state(media_root) == manifest["media"]


def rewrite(archive, target, change):
    """Copy the archive member by member, letting `change(name, data)` alter or drop members."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            result = change(member.name, data)
            if result is None:
                continue
            member.size = len(result)
            copy.addfile(member, io.BytesIO(result))
    return target


@pytest.mark.parametrize("change, says", [
    (lambda name, data: data + b"tampered" if name.startswith("media/") else data, "上传文件与清单不符"),
    (lambda name, data: data[:-10] + b"0" * 10 if name.startswith("database.") else data, "数据库文件缺失或校验值不符"),
    (lambda name, data: None if name == "manifest.json" else data, "没有有效的清单"),
], ids=["media-file-changed", "database-file-changed", "manifest-missing"])
def test_a_damaged_archive_is_refused_before_anything_changes(site, media_root, tmp_path, change, says):
    archive = rewrite(backup(tmp_path), tmp_path / "damaged.tar.gz", change)
    services.organization_create(actor=site.staff, code="KEEP", name="不应被覆盖", kind=OrgKind.COMMITTEE,
                                 parent=site.school)
    files = media_state(media_root)
    with pytest.raises(CommandError, match=says):
        restore(archive, force=True)
    assert Organization.objects.filter(code="KEEP").exists() and media_state(media_root) == files


def test_an_archive_reaching_outside_its_folder_is_refused(site, media_root, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../../outside.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    with pytest.raises(CommandError, match="已损坏"):
        restore(evil, force=True)
    assert not (Path(media_root).parent.parent / "outside.txt").exists()
    assert Organization.objects.count() == 8


def test_a_missing_archive_is_reported_in_chinese(db, tmp_path):
    with pytest.raises(CommandError, match="找不到备份文件"):
        restore(tmp_path / "nope.tar.gz")


def test_transient_files_are_left_out(site, media_root, tmp_path):
    (Path(media_root) / "evidence" / ".upload-abc.part").write_bytes(b"half an upload")
    assert all(".upload-" not in name for name in read_manifest(backup(tmp_path))["media"])


# ---- rollback after an upgrade, and a new installation (issue 23, item 2) ---------------------------

def seed_like_migrate():
    """What `migrate` writes into an empty database besides bookkeeping: the 七个有力 rubric."""
    for name in ("0002_seven_capabilities", "0004_featured_requirements"):
        importlib.import_module(f"evaluations.migrations.{name}").load(django_apps, None)


def drop_every_table():
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cascade = " CASCADE" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}{cascade}")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_forced_restore_onto_an_upgraded_database_puts_the_old_schema_back(site, media_root, tmp_path):
    archive = backup(tmp_path)
    manifest = read_manifest(archive)
    # What an upgrade adds: a table pointing at the backup's tables, a view of one of them.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE upg_newer_release (id bigint PRIMARY KEY, "
                       "organization_id bigint NOT NULL REFERENCES branches_organization (id))")
        cursor.execute("INSERT INTO upg_newer_release SELECT id, id FROM branches_organization")
        cursor.execute("CREATE VIEW upg_newer_view AS SELECT * FROM branches_organization")
    services.organization_create(actor=site.staff, code="LATE", name="升级后新建党委", kind=OrgKind.COMMITTEE,
                                 parent=site.school)

    try:
        report = restore(archive, force=True)
    finally:  # whatever happened, the next test's flush must not meet the extra table
        with connection.cursor() as cursor:
            present = set(connection.introspection.table_names(cursor))
            cursor.execute("DROP TABLE IF EXISTS upg_newer_release CASCADE")

    assert "恢复完成" in report and "upg_newer_release" not in present
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_views WHERE viewname = 'upg_newer_view'")
        assert cursor.fetchone()[0] == 0
    assert Organization.objects.count() == manifest["tables"]["branches_organization"]


def test_a_restore_onto_a_freshly_migrated_installation_needs_no_force(site, media_root, tmp_path, settings):
    archive = backup(tmp_path)
    manifest = read_manifest(archive)
    call_command("flush", interactive=False, verbosity=0)
    for relative, path in media_files(media_root):
        path.unlink()
    # docs/deploy.md steps 1–5 on a new server: migrate (the rubric), createcachetable, the first administrator.
    seed_like_migrate()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "upg_cache"}}
    call_command("createcachetable", verbosity=0)
    caches["default"].set("warm", "yes")
    User.objects.create_superuser("first-admin", "admin@example.edu.cn", "x" * 20)

    restore(archive)

    assert Organization.objects.count() == manifest["tables"]["branches_organization"]
    assert not User.objects.filter(username="first-admin").exists()  # the backup's accounts replace it
    caches["default"].set("after", "still works")  # the cache table is there after the restore
    assert caches["default"].get("after") == "still works"


def test_a_restore_onto_a_database_without_tables_needs_no_force(site, media_root, tmp_path):
    archive = backup(tmp_path)
    manifest = read_manifest(archive)
    for relative, path in media_files(media_root):
        path.unlink()
    drop_every_table()

    restore(archive)

    assert Organization.objects.count() == manifest["tables"]["branches_organization"]
    assert media_state(media_root) == manifest["media"]
