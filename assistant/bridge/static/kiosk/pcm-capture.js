// AudioWorklet: microphone float samples -> 16 kHz signed 16-bit mono PCM chunks (~100 ms) posted to the page.
class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;   // sampleRate is the AudioContext rate (global in the worklet scope)
    this.position = 0;                 // fractional read position carried between render quanta
    this.out = new Int16Array(1600);
    this.count = 0;
    this.previous = 0;
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    if (this.ratio === 1) {
      for (let i = 0; i < channel.length; i++) this.push(channel[i]);
    } else {
      // linear interpolation; when downsampling, average the samples each output covers (simple low-pass)
      while (this.position < channel.length) {
        const start = Math.floor(this.position), end = Math.min(channel.length, Math.floor(this.position + this.ratio));
        let sum = 0, n = 0;
        for (let i = start; i < Math.max(end, start + 1); i++) { sum += channel[i]; n++; }
        this.push(sum / n);
        this.position += this.ratio;
      }
      this.position -= channel.length;
    }
    return true;
  }
  push(value) {
    const clipped = Math.max(-1, Math.min(1, value));
    this.out[this.count++] = clipped < 0 ? clipped * 32768 : clipped * 32767;
    if (this.count === this.out.length) {
      this.port.postMessage(this.out.buffer.slice(0));
      this.count = 0;
    }
  }
}
registerProcessor("pcm-capture", PcmCapture);
