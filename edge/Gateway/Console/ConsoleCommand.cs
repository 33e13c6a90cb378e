namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// <c>console add-user NAME [--role operator|supervisor|admin] [--data DIR]</c>: adds an operator to console.db (or
/// changes the password and role of one, and unlocks it), e.g. the first admin. The password comes from the
/// environment variable <c>CONSOLE_PASSWORD</c> or else the first line of standard input, never from the command line
/// (it would stay in the shell's history and the process list).
/// <c>console import-elders FILE.csv [--data DIR]</c>: imports the elders' records as the admin page does.
/// </summary>
public static class ConsoleCommand
{
    public const string PasswordVariable = "CONSOLE_PASSWORD";

    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        const string usage = "usage: console add-user NAME [--role operator|supervisor|admin] [--data DIR]   (password from $CONSOLE_PASSWORD or stdin)\n"
            + "       console import-elders FILE.csv [--data DIR]";
        if (args.Length < 3 || args[1] is not ("add-user" or "import-elders"))
        {
            error.WriteLine(usage);
            return 2;
        }

        var name = args[2].Trim().ToLowerInvariant();
        var role = ConsoleUsers.Operator;
        var data = "./data";
        for (var i = 3; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                error.WriteLine($"{args[i]} needs a value; {usage}");
                return 2;
            }

            switch (args[i])
            {
                case "--role": role = args[++i]; break;
                case "--data": data = args[++i]; break;
                default: error.WriteLine($"unknown option {args[i]}; {usage}"); return 2;
            }
        }

        if (args[1] == "import-elders")
        {
            return ImportElders(args[2], data, output, error);
        }

        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            password = input.ReadLine();
        }

        var problem = ConsoleUsers.Problem(name, role, password);
        if (problem is not null)
        {
            error.WriteLine(problem);
            return 2;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var database = ConsoleDatabase.Open(data, now);
        new ConsoleUsers(database, new ConsoleOptions()).Upsert(name, role, password!, "console-command", now);
        output.WriteLine($"console user {name} ({role}) written to {Path.Combine(data, ConsoleDatabase.FileName)}");
        return 0;
    }

    private static int ImportElders(string file, string data, TextWriter output, TextWriter error)
    {
        if (!File.Exists(file))
        {
            error.WriteLine($"{file} does not exist");
            return 2;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var database = ConsoleDatabase.Open(data, now);
        using var reader = new StreamReader(file, System.Text.Encoding.UTF8);
        var result = new ElderRecords(database, CardHasher.Open(data), new DeskChanges()).Import(reader, "console-command", now);
        foreach (var problem in result.Problems)
        {
            error.WriteLine(problem);
        }

        if (result.Problems.Count > 0)
        {
            error.WriteLine("nothing imported");
            return 2;
        }

        output.WriteLine($"{result.Imported} elders' records imported into {Path.Combine(data, ConsoleDatabase.FileName)}");
        return 0;
    }
}
