from django.contrib import admin

from .models import RegionNorm


@admin.register(RegionNorm)
class RegionNormAdmin(admin.ModelAdmin):
    list_display = ("region", "aangemeld_norm")
