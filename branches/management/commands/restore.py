"""python manage.py restore ARCHIVE [--force]: put back the database and the uploaded files of a backup.

The archive is checked against its manifest before anything is touched; a database or media folder
that already holds data is only overwritten with --force (a new installation's rubric, cache and first
administrator are not data); afterwards every table's row count and
every file's SHA-256 are compared with the manifest and the comparison is printed.
Stop the web service first: requests made during a restore would see a half-restored site.
"""

import json
import os
import shutil
import sqlite3
import tarfile
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from branches import media
from branches.audit import log_event

from .backup import (
    ALIAS, DATABASE_FILES, FORMAT, MANIFEST, MEDIA_PREFIX, media_files, postgres_environment, run_tool, sha256_of,
    table_counts,
)

# Filled by `migrate` on any installation, so they do not make a database "not empty".
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission", "django_session"}
# What `migrate` itself puts into an empty database (evaluations/migrations/0002_seven_capabilities: the
# 七个有力 rubric; 0004_featured_requirements: its version with the six 特色要求): a new installation holds
# exactly these rows, and they are no reason to ask for --force.
SEEDED_BY_MIGRATE = {"evaluations_rubric": 2, "evaluations_criterion": 7 + 7 + 6}
# Drops every table and view of the schema the dump restores into, whatever a later release added and
# whatever depends on what: --clean only drops what the dump itself holds, and stops at a newer table's
# foreign key into one of them. Run in the same transaction as the restore.
DROP_EVERYTHING = """
DO $$
DECLARE relation record;
BEGIN
  FOR relation IN SELECT viewname AS name FROM pg_views WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP VIEW IF EXISTS public.%I CASCADE', relation.name);
  END LOOP;
  FOR relation IN SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', relation.name);
  END LOOP;
END
$$;
"""


def cache_tables():
    return {cache["LOCATION"] for cache in settings.CACHES.values()
            if cache.get("BACKEND") == "django.core.cache.backends.db.DatabaseCache"}


def holds_data(counts):
    """The tables that make this database more than a new installation (deploy.md steps 1–5: migrate,
    createcachetable, the first administrator)."""
    administrators_only = counts.get("auth_user") and \
        User.objects.filter(is_superuser=True).count() == counts["auth_user"]
    return sorted(table for table, count in counts.items()
                  if count and table not in BOOKKEEPING_TABLES and table not in cache_tables()
                  and count != SEEDED_BY_MIGRATE.get(table)
                  and not (table == "auth_user" and administrators_only))


class Command(BaseCommand):
    help = "从 backup 生成的归档恢复数据库和上传文件；当前数据库或上传目录已有数据时须加 --force。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup 生成的 .tar.gz 文件")
        parser.add_argument("--force", action="store_true", help="覆盖当前数据库和上传文件中的全部数据")

    def handle(self, *args, archive, force=False, **options):
        archive = Path(archive)
        if not archive.is_file():
            raise CommandError(f"找不到备份文件：{archive}")
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        # Inside MEDIA_ROOT, so swapping the files in is a rename on one file system, even when
        # MEDIA_ROOT is a mount point.
        work = media_root / f".restore-{uuid.uuid4().hex}"
        work.mkdir()
        try:
            manifest = self.unpack(archive, work)
            if not force:
                self.refuse_to_overwrite(media_root)
            self.restore_database(manifest, work / manifest["database"]["file"])
            # With a bucket (MEDIA_S3_BUCKET) the files were never in the archive: the store keeps them.
            if media.in_directory():
                self.restore_media(work / MEDIA_PREFIX.rstrip("/"), media_root, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        ContentType.objects.clear_cache()
        # The backup may come from a site without the database cache this one is configured for.
        call_command("createcachetable", verbosity=0)
        problems = self.compare(manifest, media_root)
        if problems:
            raise CommandError("恢复后核对不一致：" + "；".join(problems))
        # After the comparison, as it adds a row: the log shows that history was replaced here.
        log_event(actor=None, action="system.restored",
                  data={"备份文件": archive.name, "备份时间": manifest["created_at"]})
        self.stdout.write(self.style.SUCCESS("恢复完成：数据库各表行数与上传文件校验值均与备份清单一致。"))

    def unpack(self, archive, work):
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")
        except (tarfile.TarError, OSError, EOFError, ValueError) as error:
            raise CommandError(f"备份文件已损坏或不是本系统的备份（{error}），未做任何改动。") from error
        try:
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
            database = manifest["database"]
            expected_file = DATABASE_FILES[database["vendor"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError("备份文件中没有有效的清单（manifest.json），未做任何改动。") from error
        if manifest.get("format") != FORMAT:
            raise CommandError(f"备份格式版本 {manifest.get('format')} 不受支持，未做任何改动。")
        current = connections[ALIAS].vendor
        if database["vendor"] != current:
            raise CommandError(f"这是 {database['vendor']} 数据库的备份，当前数据库是 {current}，未做任何改动。")
        database_file = work / expected_file
        if database["file"] != expected_file or not database_file.is_file() or \
                sha256_of(database_file) != database["sha256"]:
            raise CommandError("备份中的数据库文件缺失或校验值不符（文件可能已损坏或被改动），未做任何改动。")
        unpacked = {relative: path for relative, path in media_files(work / MEDIA_PREFIX.rstrip("/"))}
        listed = manifest.get("media", {})
        damaged = sorted(relative for relative, digest in listed.items()
                         if relative not in unpacked or sha256_of(unpacked[relative]) != digest)
        extra = sorted(set(unpacked) - set(listed))
        if damaged or extra:
            raise CommandError(
                "备份中的上传文件与清单不符（文件可能已损坏或被改动），未做任何改动："
                + "、".join((damaged + extra)[:10]))
        return manifest

    def refuse_to_overwrite(self, media_root):
        filled = holds_data(table_counts())
        files = media_files(media_root) if media.in_directory() else []
        if filled or files:
            what = []
            if filled:
                what.append(f"数据库中已有数据（{'、'.join(filled[:5])}{' 等' if len(filled) > 5 else ''}）")
            if files:
                what.append(f"上传目录中已有 {len(files)} 个文件")
            raise CommandError(
                "，".join(what) + "。恢复会用备份覆盖当前全部数据；确定要这样做，请先另做一次备份，再加 --force 重新运行。")

    def restore_database(self, manifest, database_file):
        connection = connections[ALIAS]
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
            try:
                source.backup(connection.connection)
            except sqlite3.Error as error:
                raise CommandError(f"恢复 SQLite 数据库失败（{error}）。") from error
            finally:
                source.close()
            return
        # psql needs the tables free of this process's locks. Everything is dropped and the dump loaded
        # in one transaction, so a failure leaves the database as it was.
        connection.close()
        environment = postgres_environment(connection.settings_dict)
        script = database_file.with_suffix(".sql")
        run_tool(["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(database_file)],
                 environment=environment)
        run_tool(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
                  f"--dbname={connection.settings_dict['NAME']}", f"--command={DROP_EVERYTHING}",
                  f"--file={script}"], environment=environment)

    def restore_media(self, restored, media_root, work):
        restored.mkdir(exist_ok=True)
        aside = work / "before"
        aside.mkdir()
        for entry in os.listdir(media_root):
            if not entry.startswith(".restore-"):
                os.replace(media_root / entry, aside / entry)
        for entry in os.listdir(restored):
            os.replace(restored / entry, media_root / entry)

    def compare(self, manifest, media_root):
        expected = manifest["tables"]
        actual = table_counts(tables=list(expected))
        problems = []
        width = max([len(table) for table in expected] + [4])
        self.stdout.write("恢复核对（备份清单 → 恢复后）：")
        self.stdout.write(f"  {'表'.ljust(width - 1)}  {'备份时':>8}  {'恢复后':>8}  结果")
        for table, count in expected.items():
            ok = actual.get(table) == count
            if not ok:
                problems.append(f"表 {table} 备份时 {count} 行，恢复后 {actual.get(table)} 行")
            shown = "缺失" if actual.get(table) is None else actual.get(table)
            self.stdout.write(f"  {table.ljust(width)}  {count:>10}  {shown:>10}  {'一致' if ok else '不一致'}")
        if not media.in_directory():
            self.stdout.write("  上传文件：在对象存储中，不随本备份恢复")
            return problems
        files = dict(media_files(media_root))
        listed = manifest["media"]
        wrong = [relative for relative, digest in listed.items()
                 if relative not in files or sha256_of(files[relative]) != digest]
        extra = sorted(set(files) - set(listed))
        self.stdout.write(
            f"  上传文件：备份 {len(listed)} 个，恢复后 {len(files)} 个，"
            + ("校验值全部一致" if not wrong and not extra else f"{len(wrong)} 个不一致，{len(extra)} 个多余"))
        if wrong:
            problems.append("上传文件不一致：" + "、".join(wrong[:10]))
        if extra:
            problems.append("恢复后多出上传文件：" + "、".join(extra[:10]))
        return problems
