package store

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"
)

// packDict is the preset dictionary of version 4 leads and of packed list
// elements in the z2 format: words a stored lead, a visit or a change
// holds again and again (the codec's names and values, and common words of
// reps' notes in English and Chinese), so that even one short entry
// compresses. DEFLATE finds matches in it as if it came before the data.
// It is part of the stored format: changing a byte of it makes every value
// written with it unreadable, so a new dictionary needs a new format mark.
const packDict = `customer team project budget price discount quote contract pilot
support training meeting presentation proposal requirements integration
rollout deployment production plant line factory site quality inspection
procurement purchasing finance legal IT manager director CEO CFO CTO VP head
they want we need next week next month decision approval sign the order
references case study competitor SAP Oracle Siemens cloud on-premise SSO
follow up send the call with visit demo workshop review feedback pricing
客户 项目 预算 报价 合同 采购 技术 方案 演示 决策 领导 总经理 经理 工厂
生产线 质量 需求 竞争 下周 下个月 跟进 拜访 电话 会议 确认 签约 试点 培训
concession qualify rival source profile escalated reopened snooze close-by
forecast parked unparked first-visit discovery objections negotiation won lost
approver evaluator influencer gatekeeper decision-maker innovator visionary
pragmatist conservative laggard coordinator coach high medium low brief
several deep none eb tb user event message news reference greeting
{"k":"stage","b":"U","t":17,"f":"lead","o":"{"k":"grade","b":"U","t":17,"f":"B","o":"A"}
{"d":"2026-12-01","k":"call","n":"","s":"","x":"2026-12-08","m":["","b":"U","t":17}
{"d":"2026-12-01","k":"visit","n":"The customer ","s":"Send the ","x":"2026-12-08","m":["","b":"U","t":17}
{"k":"visit","b":"U","t":17,"o":"2026-12-`

// packDictBytes is packDict as flate takes it; never written to.
var packDictBytes = []byte(packDict)

// dictReader is a decompressor with the reader of its input.
type dictReader struct {
	r   io.ReadCloser
	src bytes.Reader
}

// Compressors and decompressors with the dictionary, reused as the plain
// ones are (codec_packed.go). The dictionary needs a level above
// BestSpeed, which ignores one.
var (
	dictWriters = sync.Pool{New: func() any {
		w, _ := flate.NewWriterDict(nil, flate.DefaultCompression, packDictBytes) // fails only for a bad level
		return w
	}}
	dictReaders = sync.Pool{New: func() any { return &dictReader{r: flate.NewReaderDict(nil, packDictBytes)} }}
	leadBufs    = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}
)

// deflateLead compresses a version 4 lead's body (after its header) with
// the dictionary; it reports false, and returns nothing, when that does
// not make the lead shorter.
func deflateLead(lead []byte) ([]byte, bool) {
	var b bytes.Buffer
	b.Grow(len(lead))
	b.Write(lead[:leadHeader])
	if err := deflateDict(&b, lead[leadHeader:]); err != nil || b.Len() >= len(lead) {
		return nil, false
	}
	out := b.Bytes()
	out[2] |= flagDeflated
	return out, true
}

// deflateDict writes data to b compressed with the dictionary.
func deflateDict(b *bytes.Buffer, data []byte) error {
	w := dictWriters.Get().(*flate.Writer)
	defer dictWriters.Put(w)
	w.Reset(b)
	if _, err := w.Write(data); err != nil {
		return err
	}
	return w.Close()
}

// inflateLead decompresses a lead's body into a pooled buffer (to give
// back with putLeadBuf), or returns nil when it does not decompress.
func inflateLead(body []byte) *[]byte {
	buf := leadBufs.Get().(*[]byte)
	out, err := inflateDict((*buf)[:0], body)
	if err != nil {
		putLeadBuf(buf)
		return nil
	}
	*buf = out
	return buf
}

func putLeadBuf(b *[]byte) {
	if cap(*b) <= 64<<10 {
		leadBufs.Put(b)
	}
}

// inflateDict appends to out what data, compressed with the dictionary,
// holds.
func inflateDict(out, data []byte) ([]byte, error) {
	d := dictReaders.Get().(*dictReader)
	defer dictReaders.Put(d)
	d.src.Reset(data)
	if err := d.r.(flate.Resetter).Reset(&d.src, packDictBytes); err != nil {
		return nil, err
	}
	r := d.r
	for {
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		n, err := r.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
