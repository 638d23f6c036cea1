from django.core.management.base import BaseCommand, CommandError

from branches import roster


class Command(BaseCommand):
    help = "导入组织名册（.xlsx）。先校验全部行，存在任何问题时不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名册文件路径")
        parser.add_argument("--dry-run", action="store_true", help="仅校验，不写入")

    def handle(self, *args, file, dry_run, **options):
        try:
            handle = open(file, "rb")
        except OSError as error:
            raise CommandError(f"无法打开文件：{error.strerror}")
        with handle:
            result = roster.check(handle, actor=None)  # the server operator: the whole tree
        if not result.ok:
            for problem in result.problems:
                where = f"第{problem.row}行" if problem.row else "文件"
                column = f"「{problem.column}」" if problem.column else ""
                self.stderr.write(f"{where}{column}：{problem.message}")
            raise CommandError(f"发现 {len(result.problems)} 处问题，未写入任何数据")
        if dry_run:
            self.stdout.write(
                f"校验通过：共 {len(result.rows)} 行，将新建 {len(result.to_create)} 个，更新 {len(result.to_update)} 个（试运行，未写入）"
            )
            return
        outcome = roster.apply(result, actor=None)
        self.stdout.write(
            f"导入完成：新建 {outcome['created']} 个，更新 {outcome['updated']} 个，未变 {outcome['unchanged']} 个"
        )
