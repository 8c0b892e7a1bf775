"""The monthly documents as files (月度文件): register tables as .xlsx, the monthly report as .docx."""
