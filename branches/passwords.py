"""Password rules whose messages Django does not yet translate into Chinese."""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    # Django 5's zh_Hans catalog lacks the reworded "too short" message, so users would read English.
    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"
