"""How entries look in the open-data API (Wagtail API v2, /api/v2/pages/)."""

from rest_framework import serializers


class EthnicGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField()
    iso_639_3 = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()


class EntryPlaceSerializer(serializers.Serializer):
    code = serializers.CharField(source="place.code")
    name_vi = serializers.CharField(source="place.name_vi")
    name_en = serializers.CharField(source="place.name_en")
    kind = serializers.CharField(source="place.kind")
    latitude = serializers.DecimalField(source="place.latitude", max_digits=8, decimal_places=5, allow_null=True)
    longitude = serializers.DecimalField(source="place.longitude", max_digits=8, decimal_places=5, allow_null=True)
    name_as_recorded = serializers.CharField()


class EntryContributorSerializer(serializers.Serializer):
    """Only people who agreed to be named appear."""

    name = serializers.CharField(source="contributor.name")
    role = serializers.CharField()


class PublicContributorsField(serializers.Field):
    def to_representation(self, value) -> list[dict]:
        return EntryContributorSerializer([row for row in value.all() if row.may_be_named], many=True).data


class LicenceField(serializers.Field):
    def get_attribute(self, instance):
        return instance

    def to_representation(self, entry) -> dict:
        return {"code": entry.licence, "url": entry.licence_url, "attribution": entry.attribution}


class SharedMediaField(serializers.Field):
    """The entry's media stream without recordings stricter than the entry, which the
    public page shows only as "not available"."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, entry) -> list[dict]:
        return [
            {
                "type": block.block_type,
                "value": block.block.get_api_representation(block.value, self.context),
                "id": block.id,
            }
            for block in entry.shared_media_blocks
        ]


class IIIFManifestField(serializers.Field):
    """The address of the entry's IIIF manifest, or null when it has none (iiif/)."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page) -> str | None:
        from iiif.manifests import has_manifest, manifest_url  # iiif builds on heritage's models

        return manifest_url(page.translation_key) if has_manifest(page) else None
