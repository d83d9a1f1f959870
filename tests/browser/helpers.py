def login(page, base, username, password):
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Loginnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
