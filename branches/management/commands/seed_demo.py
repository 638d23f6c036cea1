from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from branches import demo, registry
from branches.models import Organization


class Command(BaseCommand):
    help = "建立演示数据：一个省委教育工委及其下两所大学的组织树（约300个和12个党支部）、各角色演示账号及各阶段的培育批次。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="在 DEBUG 关闭时也执行")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有组织时静默跳过")

    def handle(self, *args, force, if_empty, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG 已关闭（生产环境），拒绝写入演示数据；确需写入请加 --force")
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                return
            raise CommandError("数据库中已有组织数据，演示数据只能写入空数据库")
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            context = demo.build(timezone.localdate())
            demo.create_demo_users(context, password)
            # What the later apps build on the tree: settings.DEMO_BUILDERS, in order.
            for build in registry.declared("DEMO_BUILDERS"):
                build(context)
        for school in (context["school"], context["second_school"]):
            within = Organization.objects.within([school.path])
            self.stdout.write(self.style.SUCCESS(
                f"已建立演示大学{school.name}：{within.secondary().count()} 个二级党组织，"
                f"{within.branches().count()} 个党支部。"))
        self.stdout.write(f"两校同属{context['province'].name}。")
        self.stdout.write("演示账号（密码均为 %s）：" % password)
        for username, description, _ in demo.DEMO_USERS:
            self.stdout.write(f"  {username:<10} {description}")
        for warning in context.get("warnings", []):
            self.stdout.write(self.style.WARNING(warning))
