using JiaoLianTi.Deploy;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: DeployGenerator <aspire-manifest.json> <output folder>");
    return 2;
}
var files = KubernetesFiles.FromManifest(File.ReadAllText(args[0]));
Directory.CreateDirectory(args[1]);
foreach (var stale in Directory.GetFiles(args[1], "*.yaml"))
{
    File.Delete(stale);
}
foreach (var (name, text) in files)
{
    File.WriteAllText(Path.Combine(args[1], name), text);
}
Console.WriteLine($"wrote {files.Count} files to {args[1]}");
return 0;
