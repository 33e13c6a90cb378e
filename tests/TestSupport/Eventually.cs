namespace Eldercare.TestSupport;

/// <summary>Poll a condition with a timeout: for state only visible by asking (a database, an HTTP API). Not a sleep: it returns as soon as the condition holds.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 10;
        T last;
        while (true)
        {
            last = await probe().ConfigureAwait(false);
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}");
            }

            await Task.Delay(delay).ConfigureAwait(false);
            delay = Math.Min(100, delay * 2);
        }
    }

    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitAsync(() => Task.FromResult(condition()), ok => ok, timeout, what);
}
