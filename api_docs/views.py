"""The API's description, as JSON for tools and as a page for researchers."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from api_docs.description import example_url, openapi_description


def openapi_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(openapi_description(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_page(request: HttpRequest) -> HttpResponse:
    description = openapi_description()
    operations = []
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            parameters = [
                {**parameter, "try_url": example_url(path, parameter) if parameter["in"] == "query" else ""}
                for parameter in operation.get("parameters", [])
            ]
            operations.append({"method": method.upper(), "path": path, **operation, "parameters": parameters})
    return render(
        request,
        "api_docs/api_page.html",
        {"description": description, "operations": operations, "limits": description["x-limits"]},
    )
