// Telling the agent that a chat rings when they are not looking: a short sound (WebAudio
// oscillator: no sound file to ship) and a desktop notification. Browsers allow both only
// after a user gesture, so `unlock()` runs on the agent's first click or key press and
// `askPermission()` on a button; a denied or missing permission changes nothing else.

let audio = null;

/** Prepares the sound on a user gesture (browsers keep an AudioContext silent before one). */
export function unlock() {
  try {
    const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!audio && Ctx) audio = new Ctx();
    if (audio?.state === 'suspended') audio.resume();
  } catch {
    audio = null; // no sound on this browser; the live region and the notification remain
  }
}

/** Two short beeps. */
export function ring() {
  if (!audio) return;
  try {
    const t = audio.currentTime;
    for (const [start, freq] of [[0, 880], [0.22, 660]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t + start);
      gain.gain.exponentialRampToValueAtTime(0.2, t + start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + start + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + start);
      osc.stop(t + start + 0.2);
    }
  } catch {
    /* a sound that cannot play is not an error the agent can act on */
  }
}

/** `granted`, `denied`, `default` (not asked yet) or `unsupported`. */
export function permission() {
  return 'Notification' in globalThis ? globalThis.Notification.permission : 'unsupported';
}

/** Asks for the notification permission (call from a click); resolves the answer. */
export async function askPermission() {
  if (permission() !== 'default') return permission();
  try {
    return await globalThis.Notification.requestPermission();
  } catch {
    return permission();
  }
}

/** Shows a desktop notification when allowed; clicking it focuses the console. */
export function notify(title, body) {
  if (permission() !== 'granted') return;
  try {
    const n = new globalThis.Notification(title, { body, tag: 'chatwire-ringing' });
    n.onclick = () => {
      globalThis.focus?.();
      n.close();
    };
  } catch {
    /* some browsers allow notifications only from a service worker: the page still shows it */
  }
}
