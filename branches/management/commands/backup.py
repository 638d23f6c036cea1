"""python manage.py backup [--output DIR]: the database and every uploaded file in one .tar.gz.

The archive holds `database.dump` (pg_dump -Fc) or `database.sqlite3` (SQLite's online backup),
`media/…` (MEDIA_ROOT as it was) and `manifest.json`: the row count of every table and the SHA-256
of the database file and of every media file, which `restore` checks before and after restoring.
With MEDIA_S3_BUCKET the files are in the bucket, not in MEDIA_ROOT: the archive then holds the database
only and its manifest names the bucket; the bucket is kept by the store's own versioning (docs/deploy.md).
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.utils import timezone

from branches import media

FORMAT = 1
ALIAS = "default"
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# In-progress uploads (branches.uploads) and a restore's work directory are not data.
TRANSIENT_PREFIXES = (".upload-", ".restore-")
CHUNK = 1024 * 1024


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def quoted(connection, table):
    return connection.ops.quote_name(table)


def table_counts(connection=None, tables=None):
    """Rows per table, read through Django's connection (inside the caller's transaction, if any)."""
    connection = connection or connections[ALIAS]
    with connection.cursor() as cursor:
        names = tables if tables is not None else connection.introspection.table_names(cursor)
        existing = set(connection.introspection.table_names(cursor))
        counts = {}
        for table in sorted(names):
            if table not in existing:
                counts[table] = None
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quoted(connection, table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_counts(path):
    """Rows per table of a SQLite file (the backup copy itself, so the counts match it exactly)."""
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in sorted(tables)}
    finally:
        database.close()


def media_files(root):
    """(relative posix path, absolute path) of every regular file under MEDIA_ROOT, in a stable order."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for directory, subdirectories, files in os.walk(root):
        relative_directory = Path(directory).relative_to(root)
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(TRANSIENT_PREFIXES)
                                   and not (Path(directory) / d).is_symlink())
        for name in sorted(files):
            path = Path(directory) / name
            if name.startswith(TRANSIENT_PREFIXES) or path.is_symlink() or not path.is_file():
                continue
            found.append(((relative_directory / name).as_posix(), path))
    return found


def postgres_environment(settings_dict):
    """libpq variables for pg_dump/pg_restore, so no password appears on a command line."""
    environment = dict(os.environ)
    for variable, key in [("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")]:
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    return environment


def run_tool(arguments, *, environment):
    tool = arguments[0]
    if shutil.which(tool) is None:
        raise CommandError(f"找不到 {tool}：请安装 PostgreSQL 客户端（postgresql-client），版本不低于数据库服务器。")
    result = subprocess.run(arguments, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{tool} 失败（退出码 {result.returncode}）：{result.stderr.strip()}")
    return result


class HashingReader:
    """Hashes the bytes tarfile reads, so the checksum is of exactly what went into the archive."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


class Command(BaseCommand):
    help = "备份数据库和全部上传文件到一个 .tar.gz 归档（附清单：各表行数、每个文件的 SHA-256）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None, help="存放备份的目录（默认：项目目录下的 backups/）")

    def handle(self, *args, output=None, **options):
        output = Path(output or Path(settings.BASE_DIR) / "backups")
        output.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = output / f"backup-{stamp}.tar.gz"
        if target.exists():
            raise CommandError(f"{target} 已存在，请稍后再试。")
        with tempfile.TemporaryDirectory(dir=output, prefix=".backup-") as work:
            database_file, tables = self.dump_database(Path(work))
            partial = output / f".{target.name}.part"
            try:
                manifest = self.write_archive(partial, database_file, tables)
                os.replace(partial, target)
            except OSError as error:
                partial.unlink(missing_ok=True)
                raise CommandError(f"写入备份文件失败（{error.strerror or error}），备份没有完成。") from error
            finally:
                partial.unlink(missing_ok=True)
        rows = sum(count for count in tables.values() if count)
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：{target}\n数据库 {len(tables)} 张表、共 {rows} 行；上传文件 {len(manifest['media'])} 个。"))
        if "media_storage" in manifest:
            self.stdout.write(f"上传文件在对象存储 {manifest['media_storage']} 中，不在本备份包内："
                              "请确认存储桶已开启版本保留（或另有复制），恢复演练时一并核对。")
        return str(target)

    def dump_database(self, work):
        connection = connections[ALIAS]
        if connection.vendor == "sqlite":
            path = work / DATABASE_FILES["sqlite"]
            connection.ensure_connection()
            copy = sqlite3.connect(path)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
            return path, sqlite_counts(path)
        if connection.vendor == "postgresql":
            return self.dump_postgres(connection, work / DATABASE_FILES["postgresql"])
        raise CommandError(f"不支持的数据库：{connection.vendor}（只支持 PostgreSQL 和 SQLite）。")

    def dump_postgres(self, connection, path):
        settings_dict = connection.settings_dict
        arguments = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}",
                     f"--dbname={settings_dict['NAME']}"]
        environment = postgres_environment(settings_dict)
        if not connection.get_autocommit():
            # Already inside a transaction: no snapshot to share, so the counts are taken just before.
            tables = table_counts(connection)
            run_tool(arguments, environment=environment)
            return path, tables
        # pg_dump reads the snapshot this transaction exported, so the manifest's counts are those
        # of exactly the data in the dump, however busy the site is meanwhile.
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            tables = table_counts(connection)
            run_tool([*arguments, f"--snapshot={snapshot}"], environment=environment)
        return path, tables

    def write_archive(self, partial, database_file, tables):
        files = {}
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(database_file, arcname=database_file.name)
            for relative, path in (media_files(settings.MEDIA_ROOT) if media.in_directory() else []):
                info = archive.gettarinfo(str(path), arcname=MEDIA_PREFIX + relative)
                with open(path, "rb") as handle:
                    reader = HashingReader(handle)
                    archive.addfile(info, reader)
                files[relative] = reader.digest.hexdigest()
            manifest = {
                "format": FORMAT,
                "created_at": timezone.localtime().isoformat(timespec="seconds"),
                "django": django.get_version(),
                "database": {
                    "vendor": connections[ALIAS].vendor,
                    "file": database_file.name,
                    "sha256": sha256_of(database_file),
                },
                "tables": tables,
                "media": files,
            }
            if not media.in_directory():
                manifest["media_storage"] = f"s3://{settings.MEDIA_S3_BUCKET}"
            data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
        return manifest
