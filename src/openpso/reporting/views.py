from django.http import HttpRequest, HttpResponse


def report_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def report_new(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def report_detail(request: HttpRequest, report_id: str) -> HttpResponse:
    return HttpResponse("")
