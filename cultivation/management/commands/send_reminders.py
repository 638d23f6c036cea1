import datetime

from django.core.management.base import BaseCommand, CommandError

from branches.audit import reset_source, set_source
from cultivation.reports.services import remind_days_before, send_reminders


class Command(BaseCommand):
    help = ("提醒支部书记提交进展报告：截止前 N 天发出即将到期提醒，过了截止日发出逾期提醒（抄送二级党组织）。"
            "同一报告期的同一种提醒只发一次，可放心每天由 cron 运行多次。")

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=None,
                            help="截止前几天开始提醒（默认取设置 REPORT_REMIND_DAYS_BEFORE，未设置为 3）")
        parser.add_argument("--date", default=None, help="按哪一天计算（YYYY-MM-DD，默认今天），用于补发")

    def handle(self, *args, **options):
        days_before = remind_days_before(options["days_before"])
        if days_before < 0:
            raise CommandError("--days-before 不能为负数")
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date 的格式应为 YYYY-MM-DD") from None
        token = set_source("命令行（send_reminders）")
        try:
            result = send_reminders(today=today, days_before=days_before)
        finally:
            reset_source(token)
        self.stdout.write(f"已发送 {result['sent']} 条报告期提醒，跳过 {result['skipped']} 条（已由其他进程发送）")
