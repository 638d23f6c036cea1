from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import seed


class Command(BaseCommand):
    help = "生成规模测试数据：S（M 的十分之一）、M（一所大型高校）、L（一个省，百所高校）。需要空数据库。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(seed.SCALES), default="M")

    def handle(self, *args, scale, **options):
        try:
            figures = seed.build(scale, say=lambda text: self.stdout.write(text))
        except seed.NotEmpty as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql":
            # Rows copied in bulk leave the planner without statistics until autovacuum analyzes the tables,
            # and a server with autovacuum off (this machine's) never does: plans then assume one row per
            # filter. Production's autovacuum analyzes within minutes; the benchmark measures that state.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(
            "完成：" + "，".join(f"{label} {count:,}" for label, count in figures.items())))
