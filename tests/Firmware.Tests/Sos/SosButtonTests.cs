using Eldercare.Firmware.Core.Sos;

namespace Eldercare.Firmware.Tests.Sos;

[TestClass]
[TestCategory("Unit")]
public sealed class SosButtonTests
{
    private const int Step = 10;

    [TestMethod]
    public void Update_HeldTwoSeconds_ReportsOneLongPressWhileStillHeld()
    {
        var button = new SosButton(new SosButtonOptions());
        var gestures = Drive(button, pressed: true, fromMs: 0, toMs: 3000);

        Assert.AreEqual(1, gestures.Count(g => g.Gesture == ButtonGesture.LongPress));
        long at = gestures.Single(g => g.Gesture == ButtonGesture.LongPress).AtMs;
        Assert.IsTrue(at >= 2000 && at <= 2000 + Step, $"long press reported at {at} ms");
    }

    [TestMethod]
    public void Update_ReleaseAfterLongPress_IsNotAlsoAShortPress()
    {
        var button = new SosButton(new SosButtonOptions());
        var gestures = Drive(button, true, 0, 2500).Concat(Drive(button, false, 2500, 3000)).ToList();

        CollectionAssert.AreEqual(new[] { ButtonGesture.LongPress }, gestures.Select(g => g.Gesture).ToArray());
    }

    [TestMethod]
    public void Update_ShortPress_ReportsShortPressOnRelease()
    {
        var button = new SosButton(new SosButtonOptions());
        var gestures = Drive(button, true, 0, 300).Concat(Drive(button, false, 300, 500)).ToList();

        Assert.AreEqual(ButtonGesture.ShortPress, gestures.Single().Gesture);
    }

    [TestMethod]
    public void Update_BouncesShorterThanDebounce_AreIgnored()
    {
        var button = new SosButton(new SosButtonOptions { DebounceMilliseconds = 40 });
        var seen = new List<ButtonGesture>();

        // 3 s of contact bounce: 20 ms pressed, 20 ms open, never stable for 40 ms.
        for (long t = 0; t < 3000; t += Step)
        {
            bool raw = (t / 20) % 2 == 0;
            ButtonGesture g = button.Update(raw, t);
            if (g != ButtonGesture.None)
            {
                seen.Add(g);
            }
        }

        Assert.AreEqual(0, seen.Count, "bounce must not count as a press");
        Assert.IsFalse(button.IsPressed);
    }

    [TestMethod]
    public void Update_BouncyPressHeldLong_CountsFromFirstContact()
    {
        var button = new SosButton(new SosButtonOptions { DebounceMilliseconds = 40 });
        var gestures = new List<(ButtonGesture, long)>();
        for (long t = 0; t <= 2500; t += Step)
        {
            bool raw = t >= 30 || t == 0; // contact, 10 ms bounce open, then held
            ButtonGesture g = button.Update(raw, t);
            if (g != ButtonGesture.None)
            {
                gestures.Add((g, t));
            }
        }

        Assert.AreEqual(ButtonGesture.LongPress, gestures.Single().Item1);
        Assert.IsTrue(gestures.Single().Item2 <= 2040, $"long press at {gestures.Single().Item2}");
    }

    [TestMethod]
    [DataRow(40, 40, "LongPressMilliseconds")]
    [DataRow(40, 20000, "LongPressMilliseconds")]
    [DataRow(-1, 2000, "DebounceMilliseconds")]
    public void Validate_BadTiming_NamesTheSetting(int debounce, int longPress, string expected)
    {
        var options = new SosButtonOptions { DebounceMilliseconds = debounce, LongPressMilliseconds = longPress };

        string problem = options.Validate();

        Assert.IsNotNull(problem);
        StringAssert.Contains(problem, expected);
    }

    [TestMethod]
    public void Validate_Defaults_AreValid() => Assert.IsNull(new SosButtonOptions().Validate());

    private static List<(ButtonGesture Gesture, long AtMs)> Drive(SosButton button, bool pressed, long fromMs, long toMs)
    {
        var result = new List<(ButtonGesture, long)>();
        for (long t = fromMs; t < toMs; t += Step)
        {
            ButtonGesture g = button.Update(pressed, t);
            if (g != ButtonGesture.None)
            {
                result.Add((g, t));
            }
        }

        return result;
    }
}
