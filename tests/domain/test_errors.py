from service.domain.errors import RuleViolation


def test_rule_violation_carries_code_message_and_field():
    error = RuleViolation("phone_invalid", "手机号码应为11位数字，以1开头", "phone")

    assert isinstance(error, ValueError)
    assert (error.code, error.field) == ("phone_invalid", "phone")
    assert error.message == str(error) == "手机号码应为11位数字，以1开头"


def test_field_is_optional():
    assert RuleViolation("x", "消息").field is None
