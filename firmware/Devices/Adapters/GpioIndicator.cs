using System.Device.Gpio;
using System.Threading;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The core's indicator patterns played on a LED and a vibration motor (or a buzzer, on the kiosk), either may be
    /// absent. A timer steps a pattern every 100 ms; each step says which outputs are on. A pattern either ends (its
    /// last step holds) or repeats until the next one.
    /// </summary>
    public sealed class GpioIndicator : IIndicator
    {
        private const int StepMilliseconds = 100;
        private const int Led = 1;
        private const int Motor = 2;

        // One entry per IndicatorPattern value: steps of 100 ms (bit 1 LED, bit 2 motor).
        private static readonly int[][] Steps = new int[][]
        {
            new int[] { 0 }, // Idle
            new int[] { Led | Motor, Led | Motor, Led | Motor, Led | Motor, 0, Led, 0, Led, 0, Led, 0 }, // AlarmRaised, then repeats the blink
            new int[] { Led | Motor, Led, Led, 0, Led | Motor, Led, Led, Led, Led, Led, Led, Led, Led, 0 }, // AlarmReceived: two buzzes, LED 1 s
            new int[] { Motor, 0 }, // AlarmCancelled: one short buzz
            new int[] { Led, Led, Led, Led, Led, 0, 0, 0, 0, 0 }, // Fault: 1 Hz blink, repeats
            new int[] { Led | Motor, Led, Led | Motor, Led, Led | Motor, Led }, // HelpComing: three buzzes, LED stays on
            new int[] { Motor, 0 }, // StillWaiting: one short buzz
        };

        private static readonly bool[] Repeats = new bool[] { false, true, false, false, true, false, false };

        private readonly GpioPin _led;
        private readonly GpioPin _motor;
        private readonly object _lock = new object();
        private readonly Timer _timer;
        private int[] _pattern;
        private bool _repeat;
        private int _step;
        private bool _running;

        public GpioIndicator(GpioPin led, GpioPin motor)
        {
            _led = led;
            _motor = motor;
            _pattern = Steps[0];
            _timer = new Timer(new TimerCallback(OnStep), null, Timeout.Infinite, Timeout.Infinite);
            Apply(0);
        }

        /// <summary>True when no pattern is playing (its 100 ms timer would stretch through a light sleep).</summary>
        public bool IsIdle
        {
            get
            {
                lock (_lock)
                {
                    return !_running;
                }
            }
        }

        public void Show(IndicatorPattern pattern)
        {
            int index = (int)pattern;
            if (index < 0 || index >= Steps.Length)
            {
                index = 0;
            }

            lock (_lock)
            {
                _pattern = Steps[index];
                _repeat = Repeats[index];
                _step = 0;
                _running = index != 0;
                Apply(_pattern[0]);
            }

            _timer.Change(StepMilliseconds, StepMilliseconds);
        }

        private void OnStep(object state)
        {
            lock (_lock)
            {
                _step++;
                if (_step >= _pattern.Length)
                {
                    if (!_repeat)
                    {
                        _running = false;
                        _timer.Change(Timeout.Infinite, Timeout.Infinite);
                        return;
                    }

                    _step = 0;
                }

                Apply(_pattern[_step]);
            }
        }

        private void Apply(int outputs)
        {
            if (_led != null)
            {
                _led.Write((outputs & Led) != 0 ? PinValue.High : PinValue.Low);
            }

            if (_motor != null)
            {
                _motor.Write((outputs & Motor) != 0 ? PinValue.High : PinValue.Low);
            }
        }
    }
}
