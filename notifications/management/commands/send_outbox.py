from django.core.management.base import BaseCommand

from notifications.services import send_pending


class Command(BaseCommand):
    help = "发送待发邮件；失败的邮件记下原因，按间隔递增重试（供 cron 每分钟运行）。"

    def handle(self, *args, **options):
        sent = send_pending()
        self.stdout.write(f"已发送 {sent} 封邮件")
