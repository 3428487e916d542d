package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"
)

// formulaCells are the cells that hold a formula, by sheet name, then by
// cell reference ("D7"). Read refuses them rather than run them or trust
// the value Excel cached.
//
// They are found by reading the worksheets' XML as a stream, not by asking
// excelize cell by cell: excelize loads a whole sheet to answer, filling in
// every row up to the last, so a small file with one cell at row 1,048,576
// would cost a hundred megabytes.
type formulaCells map[string]map[string]bool

// findFormulas reads the workbook's sheets for formula cells; only parts
// in which a quick look finds a formula element are parsed.
func findFormulas(zr *zip.Reader) (formulaCells, error) {
	parts := map[string]*zip.File{}
	for _, zf := range zr.File {
		parts[strings.ToLower(zf.Name)] = zf
	}
	names, err := sheetParts(parts)
	if err != nil {
		return nil, err
	}
	out := formulaCells{}
	for name, part := range names {
		zf, ok := parts[part]
		if !ok {
			continue
		}
		has, err := hasFormula(zf)
		if err != nil {
			return nil, err
		}
		if !has {
			continue
		}
		cells, err := formulaRefs(zf)
		if err != nil {
			return nil, err
		}
		if len(cells) > 0 {
			out[name] = cells
		}
	}
	return out, nil
}

// sheetParts maps each sheet's name to its part ("xl/worksheets/sheet1.xml",
// lower case) by the workbook and its relationships.
func sheetParts(parts map[string]*zip.File) (map[string]string, error) {
	var wb struct {
		Sheets []struct {
			Name string     `xml:"name,attr"`
			Attr []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(parts["xl/workbook.xml"], &wb); err != nil {
		return nil, err
	}
	if err := decodePart(parts["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := strings.ToLower(r.Target)
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		for _, a := range s.Attr {
			if a.Name.Local == "id" {
				out[s.Name] = targets[a.Value]
			}
		}
	}
	return out, nil
}

// decodePart unmarshals an XML part; a missing part is no workbook.
func decodePart(zf *zip.File, v any) error {
	if zf == nil {
		return errors.New("missing part")
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }()
	return xml.NewDecoder(rc).Decode(v)
}

// formulaRefs lists the cells of a worksheet part that have a formula
// element.
func formulaRefs(zf *zip.File) (map[string]bool, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rc.Close() }()
	d := xml.NewDecoder(rc)
	cells := map[string]bool{}
	ref := ""
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return cells, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				ref = ""
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						ref = strings.ToUpper(a.Value)
					}
				}
			case "f":
				if ref != "" {
					cells[ref] = true
				}
			}
		case xml.EndElement:
			if t.Name.Local == "c" {
				ref = ""
			}
		}
	}
}

// hasFormula reports whether a worksheet part has a formula element (<f>,
// <f …/>, or one with a namespace prefix), by a look at its bytes.
func hasFormula(zf *zip.File) (bool, error) {
	rc, err := zf.Open()
	if err != nil {
		return false, err
	}
	defer func() { _ = rc.Close() }()
	buf := make([]byte, formulaProbe+8)
	carry := 0
	for {
		n, err := io.ReadFull(rc, buf[carry:])
		chunk := buf[:carry+n]
		for _, tag := range formulaTags {
			if bytes.Contains(chunk, tag) {
				return true, nil
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		carry = copy(buf, chunk[len(chunk)-3:]) // a tag cut between reads
	}
}

var formulaTags = [][]byte{[]byte("<f>"), []byte("<f "), []byte("<f/"), []byte(":f>"), []byte(":f "), []byte(":f/")}
