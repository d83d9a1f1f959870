from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def meldingen(request):
    """The start page after login. The Melding model and its list arrive with the Meldingen issue."""
    return render(request, "notifications/meldingen.html")
