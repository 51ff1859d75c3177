using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Xunit;

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// ServiceDefaults' cardinality limits: a metric keeps 200 attribute sets (OpenTelemetry allocates each metric's points
/// up front, 2,000 by default: 144 KB a metric, about 16 MB a service), the request durations keep 2,000, and a limit
/// changes nothing else of a metric (a histogram keeps the bucket boundaries its instrument advises).
/// </summary>
public sealed class MetricCardinalityTests
{
    [Fact]
    public void A_metric_keeps_200_attribute_sets_and_the_request_durations_2000_with_their_advised_buckets()
    {
        using var meter = new Meter("JiaoLianTi.MetricCardinalityTests");
        var exported = new List<MetricSnapshot>();
        using (var provider = Sdk.CreateMeterProviderBuilder()
                   .AddMeter(meter.Name)
                   .AddJiaoLianTiCardinalityLimits()
                   .AddInMemoryExporter(exported)
                   .Build())
        {
            double[] advised = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
            var requests = meter.CreateHistogram("http.server.request.duration", "s", null, null,
                new InstrumentAdvice<double> { HistogramBucketBoundaries = advised });
            var consumed = meter.CreateCounter<long>("messaging.process.messages");
            for (var i = 0; i < 300; i++)
            {
                requests.Record(0.02, new KeyValuePair<string, object?>("http.route", $"/api/route/{i}"));
                consumed.Add(1, new KeyValuePair<string, object?>("messaging.message.type", $"Type{i}"));
            }
            provider.ForceFlush();

            var durations = exported.Last(m => m.Name == "http.server.request.duration");
            Assert.Equal(300, durations.MetricPoints.Count);
            var buckets = new List<double>();
            foreach (var bucket in durations.MetricPoints[0].GetHistogramBuckets())
            {
                buckets.Add(bucket.ExplicitBound);
            }
            Assert.Equal([.. advised, double.PositiveInfinity], buckets);

            // 200 sets as recorded, then the overflow point (otel.metric.overflow) adds up the other 100: none is lost.
            var messages = exported.Last(m => m.Name == "messaging.process.messages");
            Assert.InRange(messages.MetricPoints.Count, Extensions.DefaultCardinalityLimit, Extensions.DefaultCardinalityLimit + 1);
            Assert.Equal(300, messages.MetricPoints.Sum(p => p.GetSumLong()));
            Assert.Contains(messages.MetricPoints, p =>
            {
                foreach (var tag in p.Tags)
                {
                    if (tag.Key == "otel.metric.overflow")
                    {
                        return true;
                    }
                }
                return false;
            });
        }
    }
}
