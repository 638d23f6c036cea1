"""`manage.py check --deploy` for the media store: what would make a bucket's presigned URLs unsafe."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# A presigned URL is a bearer token for one file: minutes, not hours, after the permission check.
MAX_URL_SECONDS = 15 * 60


@checks.register(checks.Tags.security, deploy=True)
def media_bucket(app_configs=None, **kwargs):
    if not getattr(settings, "MEDIA_S3_BUCKET", ""):
        return []
    options = settings.STORAGES["default"].get("OPTIONS", {})
    problems = []
    endpoint = urlsplit(options.get("endpoint_url") or "https://s3.amazonaws.com")
    if endpoint.scheme != "https" and endpoint.hostname not in LOOPBACK:
        problems.append(checks.Warning(
            f"MEDIA_S3_ENDPOINT_URL 是明文 HTTP（{endpoint.scheme}://{endpoint.netloc}）：预签名下载地址与文件内容"
            "会在网络上明文传输。", hint="对象存储请配置 HTTPS 地址。", id="branches.W010"))
    if options.get("querystring_expire", 0) > MAX_URL_SECONDS:
        problems.append(checks.Warning(
            f"MEDIA_S3_URL_SECONDS={options['querystring_expire']}：预签名下载地址有效期超过 {MAX_URL_SECONDS} 秒，"
            "权限被收回后地址仍可使用较长时间。", hint="保持默认 300 秒即可。", id="branches.W011"))
    if not options.get("querystring_auth", True) or options.get("default_acl") not in (None, "private"):
        problems.append(checks.Error("存储桶中的上传文件必须保持私有，只能经预签名地址读取。", id="branches.E010"))
    return problems
