using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Configuration;

namespace JiaoLianTi.Platform.Http;

/// <summary>
/// The largest body each request may send, instead of Kestrel's 30 MB for everything: a JSON body 256 KB
/// (<c>Http:MaxJsonBytes</c>), any other body (a photo, a CSV) 8 MB (<c>Http:MaxUploadBytes</c>), and an endpoint's
/// own <see cref="IRequestSizeLimitMetadata"/> where it declares one (an import of many records). A larger body is a
/// 413 ProblemDetails as soon as the limit is passed, before it is read whole.
/// </summary>
public static class RequestLimits
{
    public const long DefaultMaxJsonBytes = 256 * 1024;
    public const long DefaultMaxUploadBytes = 8 * 1024 * 1024;

    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        var json = app.Configuration.GetValue("Http:MaxJsonBytes", DefaultMaxJsonBytes);
        var upload = app.Configuration.GetValue("Http:MaxUploadBytes", DefaultMaxUploadBytes);
        app.Use((context, next) =>
        {
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature is { IsReadOnly: false })
            {
                var declared = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
                var limit = declared ?? (context.Request.HasJsonContentType() ? json : upload);
                // Kestrel refuses (413) as soon as a read passes the limit, or at once when Content-Length does.
                feature.MaxRequestBodySize = limit;
            }
            return next(context);
        });
        return app;
    }
}
