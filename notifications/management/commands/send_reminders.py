import datetime

from django.core.management.base import BaseCommand, CommandError

from branches import registry
from branches.audit import reset_source, set_source


class Command(BaseCommand):
    help = ("发送到期提醒（设置 REMINDER_JOBS 列出的各项提醒任务）。例如进展报告：截止前 N 天发出即将到期提醒，"
            "过了截止日发出逾期提醒（抄送二级党组织）。同一提醒只发一次，可放心每天由 cron 运行多次。")

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=None,
                            help="截止前几天开始提醒（默认由各提醒任务决定；进展报告取设置 "
                                 "REPORT_REMIND_DAYS_BEFORE，未设置为 3）")
        parser.add_argument("--date", default=None, help="按哪一天计算（YYYY-MM-DD，默认今天），用于补发")

    def handle(self, *args, **options):
        days_before = options["days_before"]
        if days_before is not None and days_before < 0:
            raise CommandError("--days-before 不能为负数")
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date 的格式应为 YYYY-MM-DD") from None
        # Each job knows what falls due in its app; this command only runs them and adds up.
        jobs = registry.declared("REMINDER_JOBS")
        total = {"sent": 0, "skipped": 0}
        token = set_source("命令行（send_reminders）")
        try:
            for job in jobs:
                result = job(today=today, days_before=days_before)
                for name in total:
                    total[name] += result[name]
        finally:
            reset_source(token)
        self.stdout.write(f"已发送 {total['sent']} 条到期提醒，跳过 {total['skipped']} 条（已由其他进程发送）")
