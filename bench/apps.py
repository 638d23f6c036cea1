from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "规模数据与性能基准"
