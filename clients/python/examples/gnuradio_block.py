"""GNU Radio embedded-Python block sketch: reports per-burst CSI to the controller.

Paste into an "Embedded Python Block" of a flowgraph whose input is the per-burst channel
estimate as a vector stream (vlen = N*K complex, column-major: antenna index fastest within
each user), e.g. the output of a pilot correlator. Each burst becomes one CsiReport; the weights
that come back are published as a message (port "weights": a PMT dict with the sequence, the
frame CRC and the quantized W flattened row-major) for a downstream block that programs the
beamformer. The isacfe package must be importable (PYTHONPATH=clients/python) and GNU Radio's
Python must be the Debian /usr/bin/python3 with python3-protobuf and python3-numpy.
"""
import numpy as np

try:
    from gnuradio import gr
    import pmt
except ImportError:  # outside GNU Radio: the class below documents the shape only
    gr = None

from isacfe.session import Geometry, Hello, Session, Update

if gr is not None:
    class blk(gr.sync_block):  # GNU Radio looks the block up by this name
        def __init__(self, host="127.0.0.1", port=7420, radio="gr-0", n=8, k=2, noise_w=0.01, power_w=1.0,
                     deadline_ms=5.0):
            gr.sync_block.__init__(self, name="isac CSI reporter", in_sig=[(np.complex64, n * k)], out_sig=None)
            self.n, self.k, self.noise_w, self.power_w, self.deadline_ms = n, k, noise_w, power_w, deadline_ms
            self.message_port_register_out(pmt.intern("weights"))
            self.session = Session(host, port, Hello(radio, Geometry(n), max_power_w=power_w))
            self.session.connect_with_backoff()

        def work(self, input_items, output_items):
            for burst in input_items[0]:
                h = np.asarray(burst).reshape(self.k, self.n).T  # N x K, column k = h_k
                self.session.send_report(h, self.noise_w, self.power_w, deadline_budget_s=self.deadline_ms / 1e3)
            for ans in self.session.poll(0.0):
                if isinstance(ans, Update) and ans.frame is not None:
                    w = ans.frame.baseband().reshape(-1)
                    msg = pmt.make_dict()
                    msg = pmt.dict_add(msg, pmt.intern("sequence"), pmt.from_uint64(ans.sequence))
                    msg = pmt.dict_add(msg, pmt.intern("crc32c"), pmt.from_uint64(ans.crc32c))
                    msg = pmt.dict_add(msg, pmt.intern("w"), pmt.init_c32vector(len(w), w.astype(np.complex64)))
                    self.message_port_pub(pmt.intern("weights"), msg)
                    self.session.applied(ans)
            return len(input_items[0])

        def stop(self):
            self.session.close("flowgraph stopped")
            return True
