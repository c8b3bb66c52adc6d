"""Span models run by onnxruntime: the reader (`qa.answering.reader`) and the speaker model
(`qa.quotes.extraction.speaker_model`) encode windows, load their int8 ONNX file and read spans back the
same way."""
