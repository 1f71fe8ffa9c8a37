from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form renders with the design system: labels above fields, hint, the error
    beside the field, and an error summary at the top linking to each field."""

    form_template_name = "components/_form.html"
    field_template_name = "components/_field.html"
