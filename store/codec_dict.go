package store

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"sync"
)

// packDict is the preset dictionary of version 4 leads and of packed list
// elements in the z2 format, so that even one short entry compresses
// (DEFLATE finds matches in it as if it came before the data). Its words
// were taken mechanically, not chosen: the 160 most frequent English words
// of the method's own description (DOMAIN.md) and the 100 most frequent
// two-character words of its original Chinese manuals (the seeds), then
// the codec's own names and values. No measured text (cmd/loadgen's
// memory test) went into it.
// It is part of the stored format: changing a byte of it makes every value
// written with it unreadable, so a new dictionary needs a new format mark.
const packDict = `seed lead rep close grade must key leads every need influence stage visit budget decision date known
person buyer first contact won managers criteria economic manager high devil pipeline months
maintenance low support recorded quote forecast sales method bot seeds days lost worth rep's
expected relationship information needs schedule competition amount people met demo negotiation
customer director inbound referral default company decides cadence selection yet already vendor
selling event signed progress change back never whether names list process role records owns
technical coach win medium criticises uninterested against risk time supportive opposed follow-up
discovery moving open objections weekly value field teams software source original name things leave
configurable buy exactly soon touch within unhappy current cannot active new system whose should
fixed-cycle goes grading keep changed six serious text shows record start watch say veto influencer
customer's passes partial none praises rivals neutral depth deep boss side identified inside high-
influence relationships still exists decide call outcome next stages deal rough
客户 销售 信息 我们 户的 方案 人员 解决 需求 关键 决方 关系 问题 计划 产品 公司 评估 进行 如何 项目
竞争 售人 商业 什么 影响 了解 服务 方式 户信 市场 工作 价值 购买 业务 流程 需要 潜在 机会 提问 在客
的客 系统 采购 管理 标准 决策 决定 们的 建立 成功 息化 通过 结果 是否 拜访 收集 与客 目标 户关 过程
的问 解客 内部 商机 营销 维护 制定 的商 行业 的销 中的 成交 要求 目的 选择 痛苦 企业 能力 角色 谈判
阶段 确认 愿景 取得 确定 键人 他们 初步 技术 对手 争对 关注 售流 系维 不同 定义 现有 使用 设计 合同
concession qualify rival source profile escalated reopened snooze close-by
forecast parked unparked first-visit discovery objections negotiation won lost
approver evaluator influencer gatekeeper decision-maker innovator visionary
pragmatist conservative laggard coordinator coach high medium low brief
several deep none eb tb user event message news reference greeting
{"k":"stage","b":"U","t":17,"f":"lead","o":"{"k":"grade","b":"U","t":17,"f":"B","o":"A"}
{"d":"2026-12-01","k":"call","n":"","s":"","x":"2026-12-08","m":["","b":"U","t":17}
{"d":"2026-12-01","k":"visit","n":"","s":"","x":"2026-12-08","m":["","b":"U","t":17}
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

// maxInflated bounds what one stored value may decompress to, far above
// the largest lead or packed element the bot writes (a lead with 60
// stakeholders of 1,000-character notes is about 100 KB): a damaged or
// forged value of a few kilobytes cannot make a read inflate gigabytes.
const maxInflated = 8 << 20

// errTooLarge is the failure of a value that decompresses to more than
// maxInflated.
var errTooLarge = errors.New("decompresses to more than 8 MiB")

// inflateDict appends to out what data, compressed with the dictionary,
// holds, up to maxInflated bytes.
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
		if len(out) > maxInflated {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
