using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// Headers on every answer, of the services and of the gateway (proxied ones included): no content sniffing, no
/// referrer, no framing; HTML gets a Content-Security-Policy that allows only this origin's scripts; and an API answer
/// is never stored by a browser or a proxy (they hold records of minors and answers per person) unless it says
/// otherwise itself.
/// </summary>
public static class SecurityHeaders
{
    public const string HtmlPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
                    && !headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = HtmlPolicy;
                }
                if (context.Request.Path.StartsWithSegments("/api") && !headers.ContainsKey("Cache-Control"))
                {
                    headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
