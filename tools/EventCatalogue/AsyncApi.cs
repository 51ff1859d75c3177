using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JiaoLianTi.EventCatalogue;

/// <summary>
/// Writes the catalogue as an AsyncAPI 3.0 document: a channel per event (MassTransit's fanout exchange named after
/// the contract, where the owning service publishes it), the departments' channel (the topic exchange
/// <c>jlt.departments</c>, key <c>&lt;Type&gt;.&lt;2&gt;.&lt;4&gt;.&lt;6&gt;</c>), a message per event with its
/// descriptions, payload schema, example and the <c>x-jlt</c> facts (service, version, exchange, routing key, data
/// class), and a send operation per channel.
/// </summary>
public static class AsyncApi
{
    public const string Version = "1.0.0";
    public const string RegenerateCommand = "dotnet run --project tools/EventCatalogue";

    public static JsonObject Document(IReadOnlyList<EventEntry> events)
    {
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        var schemas = new JsonObject();
        foreach (var e in events)
        {
            schemas[e.Name] = Payload(e);
            messages[e.Name] = Message(e);
            channels[e.Name] = new JsonObject
            {
                ["address"] = e.Exchange,
                ["title"] = $"{e.ChineseTitle} {e.Name}",
                ["description"] = $"{e.Service} 发布到 MassTransit 的 fanout 交换机 `{e.Exchange}`，每个服务的队列按需绑定。\n" +
                    $"{e.Service} publishes it to MassTransit's fanout exchange `{e.Exchange}`; each service's queue binds as it needs.",
                ["messages"] = new JsonObject { [e.Name] = Ref($"#/components/messages/{e.Name}") },
                ["bindings"] = new JsonObject
                {
                    ["amqp"] = new JsonObject
                    {
                        ["is"] = "routingKey",
                        ["exchange"] = new JsonObject
                        {
                            ["name"] = e.Exchange, ["type"] = "fanout", ["durable"] = true, ["autoDelete"] = false, ["vhost"] = "/",
                        },
                        ["bindingVersion"] = "0.3.0",
                    },
                },
            };
            operations[$"publish{e.Name}"] = new JsonObject
            {
                ["action"] = "send",
                ["title"] = $"{e.Service} 发布 {e.ChineseTitle} / {e.Service} publishes {e.Name}",
                ["channel"] = Ref($"#/channels/{e.Name}"),
                ["messages"] = new JsonArray(Ref($"#/channels/{e.Name}/messages/{e.Name}")),
            };
        }

        var routed = events.Where(e => e.DivisionFrom is not null).ToList();
        var departmentMessages = new JsonObject();
        foreach (var e in routed)
        {
            departmentMessages[e.Name] = Ref($"#/components/messages/{e.Name}");
        }
        channels["departments"] = new JsonObject
        {
            ["address"] = "{eventType}.{province}.{city}.{county}",
            ["title"] = "部门订阅 Departments' subscriptions",
            ["description"] =
                $"订阅服务把已批准订阅的事件发布到 topic 交换机 `{Catalogue.DepartmentsExchange}`，路由键为 `<事件类型>.<2位省码>.<4位市码>.<6位县码>`" +
                "（如 `HazardAssigned.51.5101.510104`），部门的队列只绑定其获准的类型与区域（如 `HazardAssigned.51.5101.#`），由代理端过滤。" +
                "区划码取自事件的县（区域）字段，否则由教联体副本按学校、单位或教联体求得（见各消息的 x-jlt.divisionFrom）。\n" +
                $"The Subscriptions service publishes approved events to the topic exchange `{Catalogue.DepartmentsExchange}` with the " +
                "routing key `<Type>.<2-digit>.<4-digit>.<6-digit>` of the event's division (`HazardAssigned.51.5101.510104`); " +
                "a department's queue is bound only to its approved types and region (`HazardAssigned.51.5101.#`), filtered by " +
                "the broker. The division comes from the event's county (region) field, else from its school, unit or alliance " +
                "through the Alliances replica (each message's x-jlt.divisionFrom). Events with no place are not routed here.",
            ["parameters"] = new JsonObject
            {
                ["eventType"] = new JsonObject
                {
                    ["description"] = "事件类型（契约名）/ The event type (the contract's name).",
                    ["enum"] = new JsonArray(routed.Select(e => (JsonNode)JsonValue.Create(e.Name)!).ToArray()),
                },
                ["province"] = new JsonObject { ["description"] = "2 位省级区划码 / 2-digit province code", ["examples"] = new JsonArray("51") },
                ["city"] = new JsonObject { ["description"] = "4 位市级区划码 / 4-digit city code", ["examples"] = new JsonArray("5101") },
                ["county"] = new JsonObject { ["description"] = "6 位县级区划码 / 6-digit county code", ["examples"] = new JsonArray("510104") },
            },
            ["messages"] = departmentMessages,
            ["bindings"] = new JsonObject
            {
                ["amqp"] = new JsonObject
                {
                    ["is"] = "routingKey",
                    ["exchange"] = new JsonObject
                    {
                        ["name"] = Catalogue.DepartmentsExchange, ["type"] = "topic", ["durable"] = true, ["autoDelete"] = false, ["vhost"] = "/",
                    },
                    ["bindingVersion"] = "0.3.0",
                },
            },
        };
        operations["publishToDepartments"] = new JsonObject
        {
            ["action"] = "send",
            ["title"] = "订阅服务按部门路由 / Subscriptions routes to departments",
            ["channel"] = Ref("#/channels/departments"),
            ["messages"] = new JsonArray(routed.Select(e => (JsonNode)Ref($"#/channels/departments/messages/{e.Name}")).ToArray()),
        };

        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["id"] = "urn:jiaolianti:events",
            ["info"] = new JsonObject
            {
                ["title"] = "教联体集成事件目录 JiaoLianTi integration event catalogue",
                ["version"] = Version,
                ["description"] =
                    "五个服务（教联体、研学与实践、家长学校、护校安园、心链网络）发布的全部集成事件。事件只携带不透明 id，不含未成年人的任何个人数据。" +
                    $"由各服务的 Contracts 项目生成：`{RegenerateCommand}`（不要手工编辑）。\n\n" +
                    "Every integration event the five services publish. Events carry opaque ids only, never a minor's personal data. " +
                    $"Generated from the services' Contracts projects: `{RegenerateCommand}` (do not edit by hand). " +
                    "A contract changes only by adding optional fields; a removed or renamed field or a changed type is a new record.",
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                ["rabbitmq"] = new JsonObject
                {
                    ["host"] = "rabbitmq:5672",
                    ["protocol"] = "amqp",
                    ["protocolVersion"] = "0.9.1",
                    ["description"] = "省级部署的 RabbitMQ；部门系统使用订阅服务为其创建的用户与队列 / The province's RabbitMQ; a " +
                        "department's system connects with the user and queue the Subscriptions service created for it.",
                },
            },
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject { ["schemas"] = schemas, ["messages"] = messages },
        };
    }

    private static JsonObject Message(EventEntry e) => new()
    {
        ["name"] = e.Name,
        ["title"] = $"{e.ChineseTitle} {e.Name}",
        ["summary"] = e.English,
        ["description"] = $"{e.Chinese}\n\n{e.English}",
        ["contentType"] = "application/json",
        ["payload"] = Ref($"#/components/schemas/{e.Name}"),
        ["examples"] = new JsonArray(new JsonObject { ["name"] = $"{e.Name}Example", ["payload"] = Example(e) }),
        ["x-jlt"] = new JsonObject
        {
            ["service"] = e.Service,
            ["version"] = e.Version,
            ["contract"] = e.Contract.FullName,
            ["exchange"] = e.Exchange,
            ["messageId"] = "MassTransit MessageId = the Marten event id in the owning service's store (replay feed item id)",
            ["departmentsExchange"] = e.DivisionFrom is null ? null : Catalogue.DepartmentsExchange,
            ["routingKey"] = e.DivisionFrom is null ? null : $"{e.Name}.{{province}}.{{city}}.{{county}}",
            ["divisionFrom"] = e.DivisionFrom,
            ["dataClass"] = e.DataClass,
        },
    };

    /// <summary>The payload's JSON schema: one property per field, required unless it may be null or absent.</summary>
    public static JsonObject Payload(EventEntry e)
    {
        var properties = new JsonObject();
        foreach (var f in e.Fields)
        {
            var schema = Schema(f.Type, !f.Required);
            if (f.Description is { } d)
            {
                schema["description"] = d;
            }
            properties[f.Name] = schema;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["title"] = e.Name,
            ["description"] = e.English,
            ["properties"] = properties,
            ["required"] = new JsonArray(e.Fields.Where(f => f.Required).Select(f => (JsonNode)JsonValue.Create(f.Name)!).ToArray()),
        };
    }

    /// <summary>The JSON schema of a .NET type as MassTransit writes it.</summary>
    public static JsonObject Schema(Type type, bool nullable)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        JsonObject schema;
        if (t == typeof(string)) schema = Of("string");
        else if (t == typeof(Guid)) schema = Of("string", "uuid");
        else if (t == typeof(int)) schema = Of("integer", "int32");
        else if (t == typeof(long)) schema = Of("integer", "int64");
        else if (t == typeof(decimal))
        {
            // MassTransit writes a decimal as a string, so that no precision is lost on the way ("2.5").
            schema = Of("string");
            schema["pattern"] = @"^-?\d+(\.\d+)?$";
        }
        else if (t == typeof(double)) schema = Of("number");
        else if (t == typeof(bool)) schema = Of("boolean");
        else if (t == typeof(DateTimeOffset)) schema = Of("string", "date-time");
        else if (t == typeof(DateOnly)) schema = Of("string", "date");
        else if (t == typeof(TimeSpan))
        {
            schema = Of("string");
            schema["pattern"] = @"^-?(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$";
        }
        else if (t.IsGenericType && t.GetGenericArguments() is [var item]
            && typeof(System.Collections.IEnumerable).IsAssignableFrom(t))
        {
            schema = Of("array");
            schema["items"] = Schema(item, nullable: false);
        }
        else
        {
            throw new NotSupportedException($"No JSON schema for {t} in a contract: add it to the catalogue generator.");
        }
        if (nullable)
        {
            schema["type"] = new JsonArray((string)schema["type"]!, "null");
        }
        return schema;
    }

    private static JsonObject Of(string type, string? format = null) =>
        format is null ? new JsonObject { ["type"] = type } : new JsonObject { ["type"] = type, ["format"] = format };

    private static JsonObject Ref(string path) => new() { ["$ref"] = path };

    /// <summary>An example: an instance of the contract with example values, written as the live message is.</summary>
    public static JsonNode Example(EventEntry e)
    {
        var constructor = e.Contract.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Zip(e.Fields, (p, f) => ExampleValue(e, f)).ToArray();
        var instance = constructor.Invoke(arguments);
        return JsonSerializer.SerializeToNode(instance, e.Contract, Catalogue.WireOptions)!;
    }

    private static readonly DateTimeOffset ExampleTime = new(2026, 11, 30, 8, 30, 0, TimeSpan.FromHours(8));

    private static object ExampleValue(EventEntry e, Field f)
    {
        var t = Nullable.GetUnderlyingType(f.Type) ?? f.Type;
        if (t == typeof(Guid)) return ExampleId(e.Name, f.Name);
        if (t == typeof(string)) return ExampleText(f);
        if (t == typeof(int)) return f.Name switch { "grade" => 4, "participants" => 320, "version" => 2, _ => 40 };
        if (t == typeof(long)) return 3L;
        if (t == typeof(decimal)) return 2.5m;
        if (t == typeof(double)) return 2.5d;
        if (t == typeof(bool)) return false;
        if (t == typeof(DateTimeOffset)) return f.Name.StartsWith("ends", StringComparison.Ordinal) || f.Name == "dueAt"
            ? ExampleTime.AddDays(3) : ExampleTime;
        if (t == typeof(DateOnly)) return new DateOnly(2026, 12, 15);
        if (t == typeof(TimeSpan)) return TimeSpan.FromMinutes(25);
        if (t.IsGenericType && t.GetGenericArguments() is [var item] && item == typeof(string))
        {
            return new List<string> { f.Example ?? ExampleText(f with { Name = f.Name.TrimEnd('s') }) };
        }
        if (t.IsGenericType && t.GetGenericArguments() is [var id] && id == typeof(Guid))
        {
            // "studentIds": two ids as the singular field ("studentId") would have them.
            var one = f.Name.EndsWith("Ids", StringComparison.Ordinal) ? f.Name[..^1] : f.Name;
            return new List<Guid> { ExampleId(e.Name, one), ExampleId(e.Name, one + "2") };
        }
        throw new NotSupportedException($"No example for {t} ({e.Name}.{f.Name}).");
    }

    private static string ExampleText(Field f) => f.Example ?? f.Name switch
    {
        "countyCode" or "regionCode" => "510104",
        "parentReporter" => "parent-3f0c2a9e",
        "kind" or "unitKind" => "Traffic",
        "name" => "锦江区实验小学",
        "title" => "锦江区青少年科技馆研学",
        "leadUnit" => "成都市锦江区教育局",
        "reason" or "reasons" => "场地维修 / venue under repair",
        "category" => "AfterSchoolCare",
        "topic" => "PoliceSchool",
        "term" => "2026-autumn",
        "startTime" => "16:30",
        "endTime" => "17:30",
        "location" => "成都市锦江区青少年科技馆",
        "arrangements" => "大巴两辆，带队教师 6 名，保险已购 / two coaches, six teachers, insured",
        "weekday" => "Monday",
        "dimension" => "Physical",
        _ => "示例 example",
    };

    /// <summary>A stable id per event and field, so the committed file changes only when the contracts do.</summary>
    private static Guid ExampleId(string eventName, string field) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{eventName}.{field}"))[..16]);
}
