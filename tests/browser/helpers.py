def login(page, base, username, password):
    """Log in through the login page; a user who needs a second factor gets an authenticator first."""
    from accounts.models import User

    user = User.objects.get(username=username)
    device = authenticator_for(user) if user.requires_second_factor and username != "servicedesk" else None
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Loginnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    if device is not None:
        page.get_by_label("Code uit uw authenticator-app").fill(current_code(device))
        page.get_by_role("button", name="Bevestigen").click()


def authenticator_for(user):
    """A confirmed TOTP device, as if the user had set up their app earlier."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="app", confirmed=True
    )


def current_code(device) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
